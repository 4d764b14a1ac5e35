# Pesan WhatsApp kepada keluarga (dirender saat dikirim).

notify-visit-booked =
    Kunjungan virtual Anda sudah dipesan.
    Warga binaan: { $inmate }
    Tempat: { $facility }
    Waktu: { $time }
    Kode kunjungan: { $code }
    Buka tautan ini pada waktunya (tanpa memasang aplikasi): { $link }
    Simpan kode ini dan jangan berikan kepada siapa pun. Layanan ini gratis.
notify-visit-status =
    Tanda terima Jenguk — kunjungan { $code }
    { $change }
    Waktu kunjungan: { $time }
    Dicatat: { $at }, oleh { $by }.
    { $reason }
notify-status-cancelled = Kunjungan dibatalkan.
notify-status-checked_in = Anda sudah didaftarkan hadir.
notify-status-in_call = Panggilan video dimulai.
notify-status-completed = Kunjungan selesai. Terima kasih.
notify-status-no_show = Kunjungan dicatat tidak hadir.
notify-status-refused = Warga binaan menolak kunjungan.
notify-status-terminated = Kunjungan dihentikan oleh petugas.
notify-status-rejected = Permohonan kunjungan ditolak.
notify-status-booked = Kunjungan dikonfirmasi.
notify-status-requested = Permohonan kunjungan diterima.
notify-by-family = Anda
notify-by-facility = petugas { $facility }
notify-by-system = sistem Jenguk
notify-reason = Alasan: { $reason }
notify-link-approved = Anda sudah disetujui sebagai pengunjung { $inmate } di { $facility }. Sekarang Anda dapat memesan kunjungan: ketik KUNJUNGAN.
notify-link-rejected = Permohonan Anda untuk mengunjungi { $inmate } di { $facility } ditolak. Alasan: { $reason }. Hubungi petugas layanan kunjungan bila ada pertanyaan.
notify-reminder =
    Pengingat: kunjungan virtual Anda dengan { $inmate } dimulai { $time }.
    Kode kunjungan: { $code }
    Buka: { $link }
notify-login-code = Kode masuk Jenguk Anda: { $code }. Berlaku { $minutes } menit. Jangan berikan kode ini kepada siapa pun, termasuk petugas.
