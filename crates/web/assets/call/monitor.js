/* Staff monitor page: four receive-only m-lines (family audio, family video, kiosk audio,
   kiosk video). In a legal visit the relay sends no audio at all. */
(function () {
  var root = document.getElementById('monitor');
  if (!root) return;
  var t = Jenguk.t, statusEl = document.getElementById('monitor-status');
  var targets = ['family-audio', 'family-video', 'kiosk-audio', 'kiosk-video'];
  var call = new Jenguk.Call({
    url: '/staff/monitor/' + encodeURIComponent(root.dataset.visit) + '/offer',
    kind: 'monitor', body: { csrf: root.dataset.csrf }, ice: Jenguk.ice(root),
    onTrack: function (i, track) {
      var el = document.getElementById(targets[i]);
      if (!el) return;
      el.srcObject = new MediaStream([track]);
      el.play().catch(function () {});
    },
    onState: function (s) {
      if (s === 'connected') statusEl.textContent = t('live');
      else if (s === 'reconnecting') statusEl.textContent = t('reconnecting');
    },
    onFatal: function (code, j) {
      statusEl.textContent = (j && j.message) || t('ended');
      root.dataset.state = 'ended';
    },
  });
  window.jengukCall = call;
  call.start();
})();
