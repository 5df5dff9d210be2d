// Tells the server the browser's time zone (io.crm.web.UserZones reads it): the crm_tz cookie is set when missing or
// different, and a page rendered in another zone is reloaded once to show the browser's. Not when the user chose a
// zone in their settings (theirs wins), and never a page that answered a form post: the page says so in
// <meta name="crm-tz-reload">. Loaded without defer, in the head, so a reload happens before anything is drawn.
(function () {
  'use strict';
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  // IANA names only ("Europe/Berlin", "Etc/GMT+5"): nothing else is worth a cookie
  if (typeof zone !== 'string' || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
    return;
  }

  function stored() {
    var match = document.cookie.match(/(?:^|;\s*)crm_tz=([^;]*)/);
    return match ? match[1] : null;
  }

  if (stored() !== zone) {
    document.cookie = 'crm_tz=' + zone + '; path=/; max-age=31536000; SameSite=Lax'
      + (location.protocol === 'https:' ? '; Secure' : '');
  }
  var page = document.querySelector('meta[name="crm-tz"]');
  var reload = document.querySelector('meta[name="crm-tz-reload"]');
  // no page zone (the sign-in page), the same zone, a page that may not reload, or cookies refused: nothing to do
  if (!page || page.content === zone || !reload || reload.content !== 'true' || stored() !== zone) {
    return;
  }
  // once per zone and tab: a zone the server does not know is shown as UTC again and must not reload forever
  try {
    if (sessionStorage.getItem('crm_tz_reloaded') === zone) {
      return;
    }
    sessionStorage.setItem('crm_tz_reloaded', zone);
  } catch (e) {
    return;
  }
  location.reload();
})();
