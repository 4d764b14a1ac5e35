# Portal keluarga: halaman awal, masuk dengan nomor ponsel, pendaftaran, dan permohonan
# sebagai pengunjung warga binaan.

## Bersama
family-auth-bad-form = Formulir tidak dapat dibaca. Muat ulang halaman lalu coba lagi.

## Halaman awal
start-title = Kunjungan virtual untuk keluarga warga binaan
start-intro = Bertatap muka lewat video dengan keluarga Anda di Rutan atau Lapas, dari peramban ponsel — tanpa memasang aplikasi, tanpa biaya.
start-step-1 = Masuk dengan nomor WhatsApp Anda, lalu isi nama dan NIK sekali saja.
start-step-2 = Cari warga binaan yang ingin Anda kunjungi dan ajukan diri sebagai pengunjung. Petugas memeriksa permohonan Anda.
start-step-3 = Setelah disetujui, pilih jadwal. Kode kunjungan dikirim lewat WhatsApp.
start-login = Masuk atau daftar
start-my-visits = Kunjungan saya
start-facilities = Rutan dan Lapas yang melayani kunjungan virtual
start-search-label = Cari Rutan atau Lapas
start-search-hint = Nama, kota, atau provinsi, mis. Serang atau Papua
start-search-button = Cari
start-none = Belum ada Rutan atau Lapas yang terdaftar.
start-no-match = Tidak ada Rutan atau Lapas yang cocok dengan "{ $query }". Periksa ejaan atau coba nama kota.
start-more = Ditampilkan { $count } dari { $max }. Ketik nama, kota, atau provinsi untuk mempersempit.
start-zone = Waktu setempat: { $zone }
start-hours = Jadwal kunjungan keluarga
start-hours-none = Belum ada jadwal kunjungan.
start-hours-legal = Kunjungan kuasa hukum:
start-day-hours = { $weekday }: { $hours }
start-rules = Aturan kunjungan
start-rule-length = Lama kunjungan { $minutes } menit.
start-rule-length-range = Lama kunjungan { $min }–{ $max } menit.
start-rule-window = Pesan jadwal { $min }–{ $max } hari sebelumnya.
start-rule-cutoff-hours = Pemesanan dan pembatalan ditutup { $hours } jam sebelum kunjungan.
start-rule-cutoff-minutes = Pemesanan dan pembatalan ditutup { $minutes } menit sebelum kunjungan.
start-rule-quota-inmate = Setiap warga binaan paling banyak { $count } kali kunjungan keluarga per minggu.
start-rule-quota-visitor = Setiap pengunjung paling banyak { $count } kali kunjungan per minggu di sini.
start-rule-people = Paling banyak { $count } orang dalam satu kunjungan.
start-rule-approval = Hanya pengunjung yang sudah disetujui petugas untuk warga binaan itu yang dapat memesan.
start-rule-tahanan = Untuk tahanan (belum diputus pengadilan) diperlukan izin kunjungan tertulis dari instansi yang menahan: kepolisian, kejaksaan, atau pengadilan.
start-choose = Ajukan kunjungan ke { $facility }

## Masuk
login-title = Masuk
login-intro = Masukkan nomor ponsel yang memakai WhatsApp. Kami mengirim kode 6 angka lewat WhatsApp; tidak perlu kata sandi.
login-phone = Nomor ponsel (WhatsApp)
login-phone-hint = Contoh: 0812 3456 7890 atau +62 812 3456 7890
login-phone-required = Isi nomor ponsel Anda.
login-send = Kirim kode lewat WhatsApp
login-new-here = Belum pernah mendaftar? Masuk dengan cara yang sama. Setelah itu Anda diminta mengisi nama dan NIK.
code-title = Masukkan kode
code-sent = Kami mengirim kode 6 angka lewat WhatsApp ke { $phone }. Kode berlaku { $minutes } menit.
code-sent-unknown = Masukkan nomor ponsel Anda dan kode 6 angka yang kami kirim lewat WhatsApp.
code-label = Kode dari WhatsApp
code-hint = 6 angka, mis. 123456
code-required = Isi kode 6 angka dari pesan WhatsApp.
code-submit = Masuk
code-resend-title = Tidak menerima kode?
code-resend-intro = Pastikan nomornya benar dan WhatsApp aktif, lalu minta kode baru. Kode lama tidak berlaku lagi.
code-resend = Kirim ulang kode
code-resent = Kode baru sudah dikirim lewat WhatsApp.
code-other-number = Pakai nomor lain
code-demo = Server demo: pesan WhatsApp tampil di halaman

## Pendaftaran
register-title = Daftar sebagai pengunjung
register-intro = Isi sesuai e-KTP Anda. Petugas mencocokkan data ini dengan identitas Anda.
register-phone = Nomor ponsel: { $phone } (sudah dikonfirmasi)
register-name = Nama lengkap
register-name-hint = Sesuai e-KTP
register-name-required = Isi nama lengkap Anda.
register-nik = NIK
register-nik-hint = 16 angka pada e-KTP atau Kartu Keluarga
register-nik-required = Isi NIK Anda (16 angka).
register-nik-taken = NIK ini sudah terdaftar dengan nomor ponsel lain. Jika ini NIK Anda, hubungi petugas layanan kunjungan di Rutan atau Lapas.
register-errors = Periksa isian berikut:
register-consent-title = Persetujuan penggunaan data pribadi
register-consent-what = Yang kami simpan: nama Anda, nomor ponsel Anda, dan NIK dalam bentuk tersamar (mis. 3171********0001) beserta sandi acak yang hanya cocok dengan NIK yang sama. NIK lengkap tidak disimpan.
register-consent-why = Untuk apa: memeriksa identitas pengunjung sesuai aturan kunjungan, mengatur jadwal, dan mengirim kode serta pemberitahuan lewat WhatsApp.
register-consent-who = Siapa yang melihat: hanya petugas Rutan atau Lapas tempat Anda mengajukan kunjungan. Setiap akses petugas dicatat.
register-consent-how-long = Berapa lama: selama akun Anda ada. Jika akun dihapus, nama, NIK, dan nomor ponsel Anda dihapus; riwayat kunjungan tersisa tanpa identitas.
register-consent-rights = Hak Anda: melihat, mengunduh, dan menghapus data Anda kapan saja di halaman "Data saya". Menghapus akun juga menarik persetujuan ini (UU 27/2022 tentang Pelindungan Data Pribadi).
register-consent-version = Versi teks persetujuan: { $version }
register-consent-label = Saya sudah membaca dan menyetujui penggunaan data pribadi saya seperti di atas.
register-consent-required = Centang persetujuan untuk mendaftar. Tanpa persetujuan kami tidak dapat menyimpan data Anda.
register-submit = Daftar

## Permohonan sebagai pengunjung
link-title = Warga binaan yang Anda kunjungi
link-intro = Ajukan diri sebagai pengunjung warga binaan. Petugas memeriksa permohonan Anda dan mengabari Anda lewat WhatsApp.
link-sent = Permohonan terkirim. Petugas akan memeriksanya dan mengabari Anda lewat WhatsApp.
link-problem = Permohonan untuk { $name } belum terkirim: lihat keterangannya di bawah.
link-mine = Permohonan Anda
link-none = Anda belum mengajukan permohonan.
link-status-pending = Menunggu pemeriksaan petugas
link-status-approved = Disetujui — Anda dapat memesan kunjungan
link-status-rejected = Ditolak
link-status-revoked = Dicabut
link-reason = Alasan petugas: { $reason }
link-permit-needed = Warga binaan ini tahanan: petugas memerlukan nomor dan tanggal berakhir izin kunjungan dari instansi yang menahan sebelum menyetujui. Tunjukkan izin itu kepada petugas.
link-book = Pesan kunjungan
link-find = Cari warga binaan
link-facility = Rutan atau Lapas
link-facility-choose = Pilih Rutan atau Lapas
link-facility-required = Pilih Rutan atau Lapas tempat warga binaan ditahan.
link-query = Nama atau nomor registrasi
link-query-hint = Paling sedikit 3 huruf atau angka, mis. Ahmad atau B.I 231
link-query-short = Ketik paling sedikit 3 huruf atau angka dari nama atau nomor registrasi.
link-search = Cari
link-results = Hasil pencarian di { $facility }
link-no-results = Tidak ada warga binaan dengan "{ $query }" di { $facility }. Periksa ejaan atau coba nomor registrasi.
link-type-more = Lebih dari { $count } orang cocok; hanya { $count } yang ditampilkan. Ketik nama lebih lengkap atau nomor registrasi.
link-reg = No. registrasi { $value }
link-already = Anda sudah mengajukan permohonan untuk orang ini: { $value }.
link-relationship = Hubungan Anda dengan { $name }
link-rel-parent = Orang tua (ayah atau ibu)
link-rel-spouse = Suami atau istri
link-rel-child = Anak
link-rel-sibling = Saudara kandung
link-rel-other_family = Keluarga lain
link-rel-legal_counsel = Kuasa hukum (dengan surat kuasa)
link-rel-required = Pilih hubungan Anda dengan warga binaan ini.
link-tahanan = { $name } berstatus tahanan. Kunjungan memerlukan izin tertulis dari instansi yang menahan (kepolisian, kejaksaan, atau pengadilan). Jika izin sudah ada, isi nomornya di bawah. Jika belum, Anda tetap dapat mengajukan; petugas memerlukan izin itu sebelum menyetujui.
link-permit-number = Nomor surat izin kunjungan (jika sudah ada)
link-permit-expires = Izin berlaku sampai (jika sudah ada)
link-permit-expires-hint = Tanggal terakhir izin berlaku, mis. 31-12-2026
link-permit-date-invalid = Tanggal tidak dapat dibaca. Tulis seperti 31-12-2026.
link-permit-past = Tanggal ini sudah lewat: izin sudah tidak berlaku.
link-submit = Ajukan sebagai pengunjung
