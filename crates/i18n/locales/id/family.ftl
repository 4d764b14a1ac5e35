# Portal keluarga: bagian bersama.
family-nav-label = Menu
family-nav-visits = Kunjungan saya
family-nav-data = Data saya
family-nav-login = Masuk
family-nav-logout = Keluar
family-footer = Jenguk — layanan kunjungan virtual gratis. Jangan pernah membayar siapa pun untuk kunjungan.
family-back = Kembali
family-error-title = Ada masalah
family-error-not-found = Halaman atau data ini tidak ditemukan.
family-error-csrf = Formulir ini sudah kedaluwarsa atau tidak berasal dari Jenguk. Muat ulang halaman lalu coba lagi.
