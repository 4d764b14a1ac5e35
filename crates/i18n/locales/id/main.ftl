# Jenguk — Bahasa Indonesia (bahasa bawaan).

## Halaman depan
app-name = Jenguk
home-title = Kunjungan virtual untuk keluarga warga binaan
home-intro = Daftar sekali, pesan jadwal kunjungan, dan bertatap muka lewat video dari peramban ponsel Anda — tanpa memasang aplikasi.
home-facilities = Rutan dan Lapas yang melayani kunjungan virtual
home-no-facilities = Belum ada Rutan atau Lapas yang terdaftar.
home-zone = Waktu setempat: { $zone }
home-hours-title = Jadwal layanan
home-staff = Untuk petugas: API ada di /api/v1 (dokumen OpenAPI di /api/openapi.json).
home-language = Bahasa
home-lang-id = Bahasa Indonesia
home-lang-en = English
home-slot-minutes = Lama kunjungan: { $minutes } menit
home-window = Pemesanan { $min }–{ $max } hari sebelumnya

## Jenis fasilitas
facility-kind-rutan = Rutan
facility-kind-lapas = Lapas
facility-kind-lpka = LPKA
facility-kind-cabang_rutan = Cabang Rutan

## Kesalahan umum
error-internal = Terjadi kesalahan di sistem kami. Silakan coba lagi; bila berulang, sebutkan kode rujukan { $reference } kepada petugas.
error-not-found = Data yang dicari tidak ditemukan.
error-route-not-found = Alamat ini tidak ada.
error-method-not-allowed = Metode permintaan ini tidak diizinkan untuk alamat ini.
error-malformed-json = Isi permintaan bukan JSON yang sah: { $detail }
error-invalid-field = Isian "{ $field }" tidak sah: { $detail }
error-missing-token = Masuk terlebih dahulu: sertakan token pada header Authorization: Bearer.
error-invalid-token = Token tidak dikenal atau sudah kedaluwarsa. Silakan masuk lagi.
error-bad-credentials = Nama pengguna atau kata sandi salah.
error-forbidden = Peran Anda tidak berwenang melakukan ini.
error-other-facility = Data ini milik Rutan/Lapas lain; Anda hanya dapat mengakses fasilitas Anda sendiri.
error-conflict = Data ini sudah ada ({ $code }).
error-payload-too-large = Isi permintaan terlalu besar.
error-unavailable = Layanan sedang tidak dapat menjangkau basis data. Coba lagi sebentar lagi.

## Isian yang tidak sah
invalid-nik-length = NIK harus 16 angka.
invalid-nik-digits = NIK hanya berisi angka.
invalid-nik-province = Dua angka pertama NIK bukan kode provinsi yang dikenal.
invalid-nik-region = Kode kabupaten/kota atau kecamatan pada NIK tidak sah.
invalid-nik-birth-date = Tanggal lahir pada NIK (angka ke-7 sampai ke-12) tidak sah.
invalid-nik-future = Tanggal lahir pada NIK ada di masa depan.
invalid-nik-serial = Empat angka terakhir NIK tidak boleh 0000.
invalid-phone = Nomor telepon tidak dapat dibaca. Tulis seperti 0812 3456 7890.
invalid-phone-not-mobile = Gunakan nomor ponsel Indonesia (diawali 08 atau +62 8), bukan telepon rumah.
invalid-name = Nama harus diisi (paling banyak 100 huruf) tanpa tanda < > { "{" } { "}" } [ ] / \ ;
invalid-reg-number = Nomor registrasi tidak sah (paling banyak 40 huruf, angka, spasi, titik, garis miring).
invalid-facility-code = Kode fasilitas 3–40 huruf besar, angka, dan tanda hubung, diawali huruf (mis. RUTAN-SERANG).
invalid-date = Tanggal harus ditulis TTTT-BB-HH (mis. 2026-12-01).
invalid-time = Jam harus ditulis JJ:MM (mis. 08:30).
invalid-timestamp = Waktu harus ditulis menurut RFC 3339 (mis. 2026-12-01T08:00:00+07:00).
invalid-enum = Nilai "{ $value }" tidak dikenal untuk isian { $field }.
invalid-date-range = Rentang tanggal tidak sah (paling banyak 62 hari, akhir tidak sebelum awal).
invalid-unknown-time-zone = Zona waktu tidak dikenal. Gunakan Asia/Jakarta (WIB), Asia/Makassar (WITA), atau Asia/Jayapura (WIT).
invalid-booking-window = Jendela pemesanan tidak sah (minimal tidak boleh melebihi maksimal; maksimal 365 hari).
invalid-cutoff = Batas waktu pemesanan paling lama 7 hari (10080 menit) sebelum kunjungan.
invalid-name-required = Nama harus diisi.
invalid-end-before-start = Jam selesai harus setelah jam mulai.
invalid-slot-length = Lama slot harus 5–120 menit dan muat dalam sesi.
invalid-capacity = Kapasitas harus 1–100 bilik.
invalid-validity-range = Tanggal akhir berlaku tidak boleh sebelum tanggal mulai.
invalid-reason = Alasan harus diisi (paling banyak 500 huruf).
invalid-reason-required = Tindakan ini memerlukan alasan.
invalid-permit-required = Untuk tahanan, nomor izin kunjungan dari instansi penahan dan tanggal berakhirnya wajib dicatat.
invalid-permit-number = Nomor izin tidak sah (paling banyak 80 huruf).
invalid-username = Nama pengguna 3–40 huruf kecil, angka, titik, garis bawah, atau tanda hubung.
invalid-password-too-short = Kata sandi minimal 10 karakter.
invalid-facility-required = Peran ini harus terikat pada satu Rutan/Lapas.
invalid-booth-name = Nama bilik harus diisi (paling banyak 60 huruf).
invalid-link-not-pending = Permohonan ini sudah diputuskan.
invalid-inmate-released = Warga binaan ini sudah bebas.
invalid-visit-started = Kunjungan sudah dimulai atau lewat, sehingga tidak dapat dibatalkan.
invalid-too-early = Terlalu awal: tindakan ini baru bisa 30 menit sebelum kunjungan dimulai.
invalid-visit-transition = Kunjungan berstatus "{ $from }" tidak dapat diubah dengan cara ini.
invalid-people = Jumlah orang harus 1 sampai 10.
invalid-visit-code = Kode kunjungan terdiri dari 8 huruf/angka, mis. ABCD-2345.
invalid-role = Peran tidak dikenal. Pilih national_admin, facility_admin, operator, atau officer.

## Konflik
conflict-facility_code_taken = Kode fasilitas ini sudah dipakai.
conflict-booth_name_taken = Nama bilik ini sudah dipakai di fasilitas ini.
conflict-reg_number_taken = Nomor registrasi ini sudah terdaftar di fasilitas ini.
conflict-nik_taken = NIK ini sudah terdaftar.
conflict-phone_taken = Nomor ponsel ini sudah terdaftar.
conflict-link_exists = Pengunjung ini sudah mengajukan atau terdaftar untuk warga binaan ini.
conflict-username_taken = Nama pengguna ini sudah dipakai.
conflict-date_already_excluded = Tanggal ini sudah ditutup.

## Penolakan pemesanan
refusal-no_such_slot = Tidak ada jadwal kunjungan pada waktu itu.
refusal-slot_full = Jadwal ini sudah penuh. Silakan pilih waktu lain.
refusal-inmate_busy = Warga binaan sudah memiliki kunjungan lain pada waktu itu.
refusal-visitor_busy = Anda sudah memiliki kunjungan lain pada waktu itu.
refusal-inmate_quota = Jatah kunjungan warga binaan untuk minggu itu sudah habis.
refusal-visitor_quota = Jatah kunjungan Anda di fasilitas ini untuk minggu itu sudah habis.
refusal-not_approved = Anda belum disetujui sebagai pengunjung warga binaan ini.
refusal-permit_missing = Kunjungan kepada tahanan memerlukan izin dari instansi penahan yang berlaku pada tanggal itu.
refusal-inmate_suspended = Kunjungan untuk warga binaan ini sedang ditangguhkan pada tanggal itu.
refusal-inmate_not_held = Warga binaan ini tidak (lagi) berada di fasilitas ini.
refusal-visitor_banned = Anda sedang dilarang berkunjung pada tanggal itu.
refusal-outside_window = Waktu ini di luar jendela pemesanan fasilitas.
refusal-past_cutoff = Pemesanan untuk jadwal ini sudah ditutup; pesan paling lambat sebelum batas waktu.
refusal-wrong_visit_kind = Jenis kunjungan tidak sesuai: sesi hukum hanya untuk kuasa hukum, dan kuasa hukum memesan kunjungan hukum.
refusal-too_many_people = Jumlah pengunjung melebihi batas fasilitas.

## Batas percobaan
rate-limited-login-code-phone = Terlalu banyak permintaan kode untuk nomor ini. Tunggu 15 menit lalu coba lagi.
rate-limited-login-code-ip = Terlalu banyak permintaan kode dari jaringan ini. Coba lagi nanti.
rate-limited-code-tries = Kode salah terlalu sering. Minta kode baru.
invalid-code-wrong = Kode salah. Periksa kembali pesan WhatsApp Anda.
invalid-code-expired = Kode sudah tidak berlaku. Minta kode baru.

## WhatsApp
error-whatsapp-off = Kanal WhatsApp belum diatur pada server ini.
error-bad-signature = Tanda tangan X-Hub-Signature-256 tidak cocok.
outbox-title = Pesan WhatsApp (demo)
outbox-intro = Kanal WhatsApp belum diatur, jadi pesan menunggu di sini. Begitu kanal diatur, semuanya terkirim.
outbox-empty = Belum ada pesan.
