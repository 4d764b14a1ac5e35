# Percakapan WhatsApp (alur obrolan). Bahasa Indonesia, bahasa bawaan.
# Setiap variabel ditulis pada baris pertama pesannya; teks panjang disusun dari beberapa pesan.

## Menu dan umum
chat-welcome = Selamat datang di layanan kunjungan virtual Jenguk.
chat-menu-body = Apa yang ingin Anda lakukan? Ketuk "Menu" atau ketik perintahnya, misalnya KUNJUNGAN.
chat-menu-button = Menu
chat-list-button = Pilih
chat-not-understood = Maaf, kami tidak memahami pesan itu.
chat-expired-choice = Pilihan itu sudah tidak berlaku.
chat-aborted = Baik, langkah ini dihentikan. Untuk membatalkan kunjungan, ketik BATAL sekali lagi.
chat-lang-set = Bahasa: Bahasa Indonesia. (Type EN for English.)
chat-cmd-daftar-title = DAFTAR
chat-cmd-daftar-desc = Daftar dan ajukan warga binaan yang ingin dikunjungi
chat-cmd-kunjungan-title = KUNJUNGAN
chat-cmd-kunjungan-desc = Pesan jadwal kunjungan video
chat-cmd-jadwal-title = JADWAL
chat-cmd-jadwal-desc = Lihat kunjungan dan permohonan Anda
chat-cmd-ubah-title = UBAH
chat-cmd-ubah-desc = Pindahkan kunjungan ke waktu lain
chat-cmd-batal-title = BATAL
chat-cmd-batal-desc = Batalkan kunjungan
chat-cmd-bantuan-title = BANTUAN
chat-cmd-bantuan-desc = Cara memakai, jam layanan, dan kontak
chat-cmd-lang-title = ENGLISH
chat-cmd-lang-desc = Switch to English
chat-need-register = Nomor ini belum terdaftar sebagai pengunjung. Ketik DAFTAR untuk mendaftar lebih dulu.

## Pendaftaran
chat-reg-ask-name = Pendaftaran pengunjung. Tulis nama lengkap Anda sesuai KTP.
chat-reg-bad-name = Nama itu tidak dapat dipakai. Tulis nama lengkap (paling banyak 100 huruf) tanpa tanda < > / \ ; atau kurung.
chat-reg-ask-nik = Tulis NIK Anda: 16 angka yang tertera di KTP atau Kartu Keluarga.
chat-reg-bad-nik = NIK belum benar: { $reason }
chat-reg-nik-taken = NIK ini sudah terdaftar dengan nomor ponsel lain. Untuk memakai nomor ini, silakan hubungi petugas layanan kunjungan di Rutan/Lapas.
chat-reg-done = Terima kasih, { $name }. Data Anda tersimpan (NIK { $nik }).
chat-reg-already = Nomor ini sudah terdaftar atas nama { $name }. Sekarang pilih warga binaan yang ingin Anda kunjungi.
chat-reg-ask-relationship = Apa hubungan Anda dengan warga binaan yang akan dikunjungi?
chat-rel-parent = Orang tua
chat-rel-spouse = Suami/istri
chat-rel-child = Anak
chat-rel-sibling = Saudara kandung
chat-rel-other_family = Keluarga lain
chat-rel-legal_counsel = Kuasa hukum
chat-reg-ask-facility = Di Rutan/Lapas mana warga binaan itu berada?
chat-reg-ask-facility-search = Di Rutan/Lapas mana warga binaan itu berada? Ketik sebagian nama atau kotanya (minimal 3 huruf), misalnya SERANG.
chat-reg-facility-none = Tidak ada Rutan/Lapas yang cocok dengan "{ $query }". Coba nama kota atau sebagian nama yang lain.
chat-reg-facility-many = Terlalu banyak Rutan/Lapas yang cocok dengan "{ $query }". Ketik lebih lengkap.
chat-reg-facility-chosen = Rutan/Lapas: { $facility }.
chat-no-facilities = Belum ada Rutan/Lapas yang melayani kunjungan virtual.
chat-reg-ask-inmate = Ketik nama atau nomor registrasi warga binaan di { $facility } (minimal 3 huruf).
chat-search-too-short = Ketik minimal 3 huruf untuk mencari.
chat-reg-inmate-none = Tidak ada warga binaan di { $facility } yang cocok dengan "{ $query }". Periksa ejaan atau coba nomor registrasinya.
chat-reg-inmate-many = Lebih dari 10 warga binaan cocok dengan "{ $query }". Ketik nama lebih lengkap atau nomor registrasinya.
chat-reg-inmate-pick = Pilih warga binaan yang Anda maksud, atau ketik pencarian lain.
chat-link-pending = Permohonan Anda untuk mengunjungi { $inmate } di { $facility } sudah kami terima dan menunggu persetujuan petugas. Anda akan menerima pesan di sini begitu permohonan disetujui atau ditolak.
chat-link-permit-note = { $inmate } berstatus tahanan: kunjungan memerlukan izin dari instansi penahan (kepolisian, kejaksaan, atau pengadilan). Serahkan izin itu kepada petugas Rutan/Lapas.
chat-link-exists = Anda sudah pernah mengajukan atau sudah terdaftar untuk { $inmate }. Ketik JADWAL untuk melihat statusnya.
chat-link-released = { $inmate } sudah bebas sehingga tidak dapat dikunjungi lagi.

## Pemesanan
chat-book-none-approved = Anda belum terdaftar sebagai pengunjung warga binaan mana pun. Ketik DAFTAR untuk mengajukan.
chat-book-pending = Permohonan Anda untuk { $inmate } masih menunggu persetujuan petugas. Anda akan diberi tahu lewat WhatsApp.
chat-book-pick-inmate = Siapa yang ingin Anda kunjungi?
chat-book-for = Kunjungan kepada { $inmate } di { $facility }.
chat-pick-day = Pilih hari kunjungan (waktu { $zone }).
chat-day-desc = { $count } waktu kosong
chat-no-free-days = Maaf, tidak ada waktu kosong di { $facility } dalam masa pemesanan. Silakan coba lagi besok.
chat-pick-slot = Pilih jam kunjungan pada { $date } (waktu { $zone }).
chat-slot-desc = Sisa { $count } tempat
chat-slot-more = Waktu berikutnya…
chat-slot-first = Kembali ke awal
chat-day-full = Semua waktu pada hari itu sudah terisi. Pilih hari lain.
chat-booked = Kunjungan dipesan: { $time }, di { $facility }, dengan { $inmate }.
chat-code-follows = Kode kunjungan dan tautan untuk bergabung kami kirim dalam pesan berikutnya. Simpan pesan itu.
chat-refused = Maaf, waktu itu tidak dapat dipesan:
chat-next-slots = Waktu kosong terdekat. Pilih salah satu, atau ketik MENU untuk berhenti.
chat-next-slots-none = Tidak ada waktu kosong lain dalam masa pemesanan.

## Jadwal
chat-schedule-title = Kunjungan Anda yang akan datang:
chat-schedule-item = { $time } — { $inmate }, { $facility }
chat-schedule-code = Kode { $code } · { $link }
chat-schedule-empty = Anda belum memiliki kunjungan yang akan datang. Ketik KUNJUNGAN untuk memesan.
chat-schedule-links = Permohonan Anda:
chat-schedule-pending = Menunggu persetujuan: { $inmate } ({ $facility })
chat-schedule-rejected = Ditolak: { $inmate } ({ $facility }). Alasan: { $reason }
chat-schedule-hint = Ketik UBAH untuk memindahkan atau BATAL untuk membatalkan kunjungan.

## Pembatalan dan pemindahan
chat-cancel-none = Tidak ada kunjungan yang dapat dibatalkan.
chat-cancel-pick = Kunjungan mana yang ingin dibatalkan?
chat-cancel-confirm = Batalkan kunjungan { $time } dengan { $inmate } di { $facility }?
chat-yes-cancel = Ya, batalkan
chat-no-keep = Tidak
chat-cancelled = Kunjungan { $time } sudah dibatalkan.
chat-cancel-kept = Baik, kunjungan tidak dibatalkan.
chat-visit-locked = Kunjungan ini sudah dimulai atau sudah lewat sehingga tidak dapat diubah lagi.
chat-move-none = Tidak ada kunjungan yang dapat dipindahkan.
chat-move-pick = Kunjungan mana yang ingin dipindahkan?
chat-move-for = Memindahkan kunjungan { $time } dengan { $inmate }.
chat-moved = Kunjungan dipindahkan ke { $time }. Kunjungan yang lama dibatalkan.
chat-same-slot = Itu waktu kunjungan Anda sekarang. Pilih waktu lain.

## Bantuan
chat-help-intro = Layanan kunjungan virtual lewat WhatsApp. Perintah yang dapat Anda ketik:
chat-help-daftar = DAFTAR — daftar sebagai pengunjung dan ajukan warga binaan yang ingin dikunjungi
chat-help-kunjungan = KUNJUNGAN — pesan jadwal kunjungan video
chat-help-jadwal = JADWAL — lihat kunjungan dan permohonan Anda
chat-help-ubah = UBAH — pindahkan kunjungan ke waktu lain
chat-help-batal = BATAL — batalkan kunjungan; di tengah langkah lain, BATAL hanya menghentikan langkah itu
chat-help-menu = MENU atau KELUAR — hentikan langkah yang sedang berjalan
chat-help-lang = EN — English · ID — Bahasa Indonesia
chat-help-timeout = Percakapan yang tidak dilanjutkan selama 30 menit dimulai lagi dari awal.
chat-help-hours = Jam kunjungan { $facility } (waktu { $zone }):
chat-help-day-hours = { $weekday }: { $hours }
chat-help-no-hours = Jadwal kunjungan belum diatur.
chat-help-contact = Pertanyaan lain: hubungi petugas layanan kunjungan { $facility } di loket layanan kunjungan.
chat-help-no-facility = Jam kunjungan Rutan/Lapas Anda ditampilkan di sini setelah Anda mendaftar (DAFTAR).

## Tanggal dan jam
chat-weekday-1 = Senin
chat-weekday-2 = Selasa
chat-weekday-3 = Rabu
chat-weekday-4 = Kamis
chat-weekday-5 = Jumat
chat-weekday-6 = Sabtu
chat-weekday-7 = Minggu
chat-month-1 = Januari
chat-month-2 = Februari
chat-month-3 = Maret
chat-month-4 = April
chat-month-5 = Mei
chat-month-6 = Juni
chat-month-7 = Juli
chat-month-8 = Agustus
chat-month-9 = September
chat-month-10 = Oktober
chat-month-11 = November
chat-month-12 = Desember
chat-month-short-1 = Jan
chat-month-short-2 = Feb
chat-month-short-3 = Mar
chat-month-short-4 = Apr
chat-month-short-5 = Mei
chat-month-short-6 = Jun
chat-month-short-7 = Jul
chat-month-short-8 = Agu
chat-month-short-9 = Sep
chat-month-short-10 = Okt
chat-month-short-11 = Nov
chat-month-short-12 = Des
chat-clock = { $hour }.{ $minute }
chat-datetime = { $weekday }, { $day } { $month } { $year } pukul { $time } { $zone }
chat-date-long = { $weekday }, { $day } { $month } { $year }
chat-day-title = { $weekday }, { $day } { $month }
chat-when-short = { $weekday }, { $day } { $month }, { $time }
