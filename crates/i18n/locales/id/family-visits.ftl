# Portal keluarga: memesan, kunjungan saya, halaman bergabung, penilaian, dan data saya.

## Judul halaman
fv-title-visits = Kunjungan saya
fv-title-visit = Kunjungan Anda
fv-title-book = Pesan jadwal kunjungan
fv-title-move = Ubah jadwal kunjungan
fv-title-cancel = Batalkan kunjungan
fv-title-rate = Nilai layanan kunjungan
fv-title-join = Kunjungan video
fv-title-data = Data saya

## Bersama
fv-error-form = Formulir tidak dapat dibaca. Muat ulang halaman lalu coba lagi.
fv-visit-place = { $inmate } di { $facility }
fv-back-list = Kembali ke kunjungan saya
fv-done-cancelled = Kunjungan sudah dibatalkan. Tanda terimanya dikirim lewat WhatsApp.
fv-done-moved = Jadwal sudah diubah. Ini kode kunjungan yang baru; kode lama tidak berlaku lagi.
fv-done-rated = Terima kasih atas penilaian Anda.

## Status kunjungan
fv-status-requested = Menunggu konfirmasi petugas
fv-status-booked = Terkonfirmasi
fv-status-checked_in = Sudah didaftarkan hadir
fv-status-in_call = Sedang berlangsung
fv-status-completed = Selesai
fv-status-cancelled = Dibatalkan
fv-status-no_show = Tidak hadir
fv-status-refused = Ditolak warga binaan
fv-status-terminated = Dihentikan petugas
fv-status-rejected = Ditolak petugas
fv-reason-moved = jadwal dipindahkan
fv-reason-deleted = akun dihapus

## Status permohonan sebagai pengunjung
fv-link-status-pending = Menunggu persetujuan petugas
fv-link-status-approved = Disetujui
fv-link-status-rejected = Ditolak
fv-link-status-revoked = Dicabut

## Kunjungan saya
fv-list-book = Pesan kunjungan
fv-list-no-approved = Anda belum disetujui sebagai pengunjung siapa pun. Setelah petugas menyetujui permohonan Anda, tombol pesan muncul di sini.
fv-list-book-button = Pilih jadwal
fv-list-links = Lihat atau ajukan permohonan sebagai pengunjung
fv-list-upcoming = Kunjungan mendatang
fv-list-no-upcoming = Belum ada kunjungan yang dipesan.
fv-list-open = Lihat kode dan tautan
fv-list-past = Riwayat
fv-list-rate = Beri penilaian
fv-list-details = Rincian

## Satu kunjungan
fv-visit-status = Status
fv-visit-code = Kode kunjungan
fv-visit-code-explain = Tunjukkan atau sebutkan kode ini kepada petugas. Kode ini rahasia: jangan bagikan kepada orang lain dan jangan pernah membayar siapa pun untuknya.
fv-visit-requested = Petugas akan mengonfirmasi kunjungan ini. Anda menerima kabarnya lewat WhatsApp.
fv-visit-when = Waktu
fv-visit-where = Tempat
fv-visit-who = Yang dikunjungi
fv-visit-length = { $minutes } menit
fv-visit-people = { $count } orang pengunjung
fv-visit-join-title = Bergabung dengan panggilan video
fv-visit-join-explain = Pada waktunya, buka tautan ini di peramban ponsel Anda. Tidak perlu memasang aplikasi.
fv-visit-join-button = Buka halaman kunjungan
fv-visit-qr-label = Kode QR tautan kunjungan
fv-visit-qr-explain = Atau pindai kode QR ini dengan kamera ponsel lain.
fv-visit-calendar = Tambahkan ke kalender
fv-visit-change-title = Ubah atau batalkan
fv-visit-move = Ubah jadwal
fv-visit-cancel = Batalkan
fv-visit-late = Kunjungan ini tidak dapat diubah atau dibatalkan lagi lewat Jenguk: batasnya { $minutes } menit sebelum kunjungan dimulai. Hubungi petugas Rutan/Lapas bila perlu.
fv-visit-rate = Beri penilaian layanan
fv-visit-rated = Anda sudah memberi penilaian untuk kunjungan ini. Terima kasih.

## File kalender
fv-ics-summary = Kunjungan virtual — { $facility }
fv-ics-description = Kode kunjungan: { $code }. Pada waktunya, buka { $link } di peramban ponsel.
fv-ics-alarm = Kunjungan virtual dimulai 30 menit lagi.

## Membatalkan
fv-cancel-question = Yakin ingin membatalkan kunjungan ini?
fv-cancel-explain = Tempatnya akan diberikan kepada keluarga lain. Anda dapat memesan jadwal lain bila jatah minggu itu masih ada.
fv-cancel-confirm = Ya, batalkan kunjungan
fv-cancel-keep = Jangan batalkan
fv-cancel-late = Kunjungan tidak dapat dibatalkan lewat Jenguk kurang dari { $minutes } menit sebelum dimulai. Hubungi petugas Rutan/Lapas bila Anda berhalangan.
fv-cancel-not-possible = Kunjungan ini tidak dapat dibatalkan lagi (sudah dimulai, selesai, atau dibatalkan).

## Memesan dan mengubah jadwal
fv-book-intro = Kunjungan untuk { $inmate } di { $facility }.
fv-book-zone = Semua jam dalam waktu setempat { $facility } ({ $zone }). Setiap kunjungan { $minutes } menit.
fv-book-people-hint = Semua orang harus duduk di depan ponsel yang sama.
fv-book-companions = Siapa yang ikut bersama Anda?
fv-book-companions-intro = Setiap pengunjung diperiksa identitasnya. Jika ada yang ikut bersama Anda, tulis namanya di bawah (paling banyak { $count } orang). Kosongkan jika Anda berkunjung sendiri.
fv-book-companion-legend = Pengunjung pendamping { $n } (jika ada)
fv-book-companion-name = Nama lengkap sesuai KTP
fv-book-companion-rel = Hubungan dengan warga binaan
fv-book-companion-rel-choose = Pilih hubungan
fv-book-companion-nik = 4 angka terakhir NIK (boleh dikosongkan)
fv-book-companion-nik-hint = Hanya 4 angka terakhir; NIK lengkap tidak disimpan.
fv-book-companion-name-required = Tulis nama lengkap pendamping ini, atau kosongkan seluruh barisnya.
fv-book-companion-name-long = Nama ini terlalu panjang (paling banyak 100 huruf).
fv-book-companion-name-invalid = Nama ini memuat tanda yang tidak dapat dipakai dalam nama. Tulis nama seperti di KTP.
fv-book-companion-rel-required = Pilih hubungan pendamping ini dengan warga binaan.
fv-book-companion-nik-invalid = Tulis tepat 4 angka (angka terakhir NIK), atau kosongkan.
fv-visit-companions = Yang ikut berkunjung
fv-visit-companion = { $name } ({ $relationship })
fv-visit-companion-nik = { $name } ({ $relationship }, NIK berakhiran { $digits })
fv-book-choose = Pilih waktu yang masih kosong
fv-book-choose-hint = Buka tanggal, lalu sentuh jamnya untuk memesan.
fv-book-day-free = { $count } waktu kosong
fv-book-none = Belum ada waktu kosong dalam jendela pemesanan. Coba lagi besok: jadwal baru dibuka setiap hari.
fv-book-none-yours = Waktu yang masih kosong dalam jendela pemesanan ada pada minggu yang jatah kunjungan Anda sudah terpakai (paling banyak { $count } kunjungan seminggu di fasilitas ini), atau bertabrakan dengan kunjungan Anda yang lain. Coba lagi setelah kunjungan Anda berikutnya.
fv-book-refused = Jadwal ini tidak dapat dipesan:
fv-book-alternatives = Waktu terdekat yang masih kosong
fv-book-pick = Pilih salah satu waktu di bawah ini.
fv-book-no-link = Permohonan ini tidak ditemukan. Pilih warga binaan dari daftar kunjungan Anda.
fv-book-link-pending = Permohonan Anda sebagai pengunjung belum disetujui petugas. Anda dapat memesan setelah disetujui; kabarnya dikirim lewat WhatsApp.
fv-book-link-refused = Permohonan Anda sebagai pengunjung warga binaan ini tidak disetujui, sehingga Anda tidak dapat memesan kunjungan. Lihat alasannya di halaman permohonan.
fv-move-intro = Jadwal sekarang: { $time }. Pilih waktu baru; bila waktu baru tidak dapat dipesan, jadwal lama tetap berlaku.
fv-move-not-possible = Kunjungan ini tidak dapat diubah lagi (sudah dimulai, selesai, atau dibatalkan).
fv-move-late = Jadwal tidak dapat diubah lewat Jenguk kurang dari { $minutes } menit sebelum kunjungan dimulai.
fv-move-same = Itu jadwal Anda sekarang. Pilih waktu lain.

## Penilaian (Survei Kepuasan Masyarakat)
fv-rate-intro = Penilaian Anda membantu Rutan/Lapas memperbaiki layanan. Pilih satu jawaban untuk setiap pertanyaan.
fv-skm-booking = Bagaimana kemudahan memesan jadwal kunjungan?
fv-skm-information = Bagaimana kejelasan informasi tentang syarat dan cara berkunjung?
fv-skm-timeliness = Bagaimana ketepatan waktu kunjungan dimulai dan berakhir?
fv-skm-call = Bagaimana kualitas gambar dan suara panggilan video?
fv-skm-score-1 = Tidak baik
fv-skm-score-2 = Kurang baik
fv-skm-score-3 = Baik
fv-skm-score-4 = Sangat baik
fv-rate-comment = Saran atau keluhan (boleh dikosongkan)
fv-rate-anonymous = Laporan survei kepada pimpinan tidak memuat nama Anda.
fv-rate-send = Kirim penilaian
fv-rate-missing = Pilih satu jawaban untuk setiap pertanyaan.
fv-rate-not-yet = Penilaian dapat diberikan setelah kunjungan berlangsung.

## Halaman bergabung
fv-join-starts-in = Kunjungan dimulai dalam
fv-left-days = { $count } hari { $hours } jam
fv-left-hours = { $hours } jam { $minutes } menit
fv-left-minutes = { $minutes } menit
fv-join-will-open = Panggilan video akan terbuka di halaman ini pada waktunya. Biarkan halaman ini terbuka.
fv-join-reload = Perbarui sekarang
fv-join-auto = Halaman ini diperbarui sendiri sampai kunjungan dimulai.
fv-join-auto-off = Hentikan pembaruan otomatis
fv-join-requested = Kunjungan ini masih menunggu konfirmasi petugas.
fv-join-open = Waktunya tiba. Panggilan video terbuka di sini; tunggu sampai petugas menyambungkan Anda.
fv-join-ended = Kunjungan ini sudah berakhir. Terima kasih.
fv-join-cancelled = Kunjungan ini dibatalkan, sehingga tidak dapat dibuka.
fv-join-not-found = Kode kunjungan ini tidak ditemukan. Periksa kembali tautan atau kode dari pesan WhatsApp Anda.
fv-join-too-many = Terlalu banyak kode yang salah dari jaringan ini. Tunggu 10 menit lalu buka kembali tautan dari pesan WhatsApp Anda.
fv-join-tips-title = Persiapan
fv-join-tip-browser = Gunakan Chrome atau peramban bawaan ponsel yang terbaru.
fv-join-tip-permission = Saat diminta, izinkan penggunaan kamera dan mikrofon.
fv-join-tip-place = Cari tempat yang tenang dan terang; semua pengunjung duduk di depan ponsel.
fv-join-tip-connection = Pastikan sinyal atau Wi-Fi baik dan baterai cukup.
fv-join-tip-rules = Panggilan berakhir tepat waktu. Petugas dapat melihat dan mendengar kunjungan keluarga.

## Data saya
fv-data-intro = Inilah semua data tentang Anda yang disimpan Jenguk. Anda dapat mengunduhnya atau menghapus akun Anda.
fv-data-person = Data diri
fv-data-name = Nama
fv-data-nik = NIK (disamarkan)
fv-data-phone = Nomor ponsel
fv-data-consent = Persetujuan penggunaan data
fv-data-consent-value = { $time } (versi { $value })
fv-data-consent-none = Belum tercatat
fv-data-banned = Dilarang berkunjung sampai
fv-data-nik-note = Jenguk tidak menyimpan NIK Anda secara utuh: hanya bentuk tersamar ini dan sidik kunci yang tidak dapat dibalik, untuk mencegah pendaftaran ganda.
fv-data-links = Permohonan sebagai pengunjung
fv-data-visits = Kunjungan
fv-data-none = Tidak ada.
fv-data-rating = Penilaian Anda
fv-data-also = Selain itu, pesan WhatsApp yang dikirim kepada Anda dan catatan perubahan status kunjungan disimpan untuk pemeriksaan layanan.
fv-data-download = Unduh data saya (JSON)
fv-data-delete-title = Hapus akun
fv-data-delete-explain = Kunjungan mendatang akan dibatalkan, permohonan Anda dicabut, dan nama, NIK, serta nomor ponsel Anda dihapus. Riwayat kunjungan yang sudah lewat tetap ada tanpa identitas Anda. Tindakan ini tidak dapat dibatalkan.
fv-data-delete-confirm = Saya mengerti dan ingin menghapus akun saya
fv-data-delete-button = Hapus akun saya
fv-data-delete-confirm-missing = Centang kotak persetujuan untuk menghapus akun.
fv-data-deleted = Akun Anda sudah dihapus. Kunjungan mendatang dibatalkan dan data diri Anda dihapus.
