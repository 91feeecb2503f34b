/**
 * The dashboard's only script, served as /assets/dashboard.js (no build step, no framework).
 * Pages work without it; it adds the reader's time zone, clean filter URLs and live updates.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var tz = '';
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) {}
  if (tz) {
    // Times on the pages are written in the reader's time zone.
    if (document.cookie.indexOf('fw_tz=' + encodeURIComponent(tz)) === -1) {
      document.cookie = 'fw_tz=' + encodeURIComponent(tz) + '; path=/; max-age=31536000; samesite=lax';
    }
    document.querySelectorAll('input[data-timezone]').forEach(function (input) { input.value = tz; });
  }

  // The filter panel is open on wide screens and folded on phones, where the list matters more.
  if (window.matchMedia && window.matchMedia('(min-width: 721px)').matches) {
    document.querySelectorAll('details[data-open-wide]').forEach(function (d) { d.open = true; });
  }

  // Filters: leave empty fields out of the URL, so a bookmark reads "?state=at_risk,firestorm&team=enterprise".
  document.querySelectorAll('form.filters').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      var states = [];
      new FormData(form).forEach(function (value, key) {
        if (typeof value !== 'string' || value === '') return;
        if (key === 'state') states.push(value);
        else if (!(key === 'sort' && value === 'risk')) params.set(key, value);
      });
      var query = (states.length ? 'state=' + states.join(',') + (params.toString() ? '&' : '') : '') + params.toString();
      window.location.assign(form.getAttribute('action') + (query ? '?' + query : ''));
    });
  });

  // Live pages: <main data-live="all"> (or an account's id) has regions ([data-live-region][id]) that
  // are read again from the server when a change arrives on /api/live (server-sent events) that
  // concerns them; rows whose state changed are briefly highlighted and the change is announced.
  // Without EventSource, or when the server refuses the stream, the regions are read every 30 s.
  var main = document.querySelector('main[data-live]');
  if (!main || !window.fetch || !window.DOMParser) return;
  var scope = main.getAttribute('data-live');
  var status = document.getElementById('live-status');
  var STATE_WORD = { healthy: 'healthy', watch: 'watch', at_risk: 'at risk', firestorm: 'firestorm' };
  var describe = function (c) {
    var name = c.accountName || 'An account';
    if (c.type === 'health') return name + ' is now ' + (STATE_WORD[c.state] || c.state) + ', ' + c.score + '/100.';
    if (c.type === 'alert') return name + ': a ' + c.kind + ' alert went out.';
    if (c.type === 'acknowledged') return name + ' was acknowledged by ' + c.by + '.';
    if (c.type === 'delivery') return name + ': a mail is ' + c.status + '.';
    return '';
  };
  var rowStates = function () {
    var states = {};
    document.querySelectorAll('[data-live-region] tr[data-id]').forEach(function (tr) { states[tr.getAttribute('data-id')] = tr.getAttribute('data-state'); });
    return states;
  };
  var timer = null;
  var messages = [];
  var readAgain = function () {
    timer = null;
    var said = messages.join(' ');
    messages = [];
    fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (response) {
        if (response.redirected && /\/login/.test(response.url)) { window.location.reload(); throw new Error('signed out'); }
        if (!response.ok) throw new Error('refresh failed: ' + response.status);
        return response.text();
      })
      .then(function (page) {
        var fresh = new DOMParser().parseFromString(page, 'text/html');
        var before = rowStates();
        var changed = false;
        document.querySelectorAll('[data-live-region][id]').forEach(function (region) {
          var next = fresh.getElementById(region.id);
          if (!next || next.innerHTML === region.innerHTML) return;
          region.replaceWith(document.importNode(next, true));
          changed = true;
        });
        if (!changed) return;
        document.querySelectorAll('[data-live-region] tr[data-id]').forEach(function (tr) {
          var id = tr.getAttribute('data-id');
          if (before[id] !== undefined && before[id] !== tr.getAttribute('data-state')) tr.classList.add('changed');
        });
        if (status) status.textContent = (said ? said + ' ' : '') + 'Updated ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) + '.';
      })
      .catch(function () { /* the next change or poll tries again */ });
  };
  var refresh = function (message) {
    if (message) messages.push(message);
    if (timer === null) timer = setTimeout(readAgain, 250);
  };
  var polling = false;
  var poll = function () {
    if (polling) return;
    polling = true;
    main.setAttribute('data-live-state', 'polling');
    setInterval(function () { if (!document.hidden) refresh(null); }, 30000);
  };
  if (!window.EventSource) { poll(); return; }
  var source = new EventSource('/api/live');
  source.onopen = function () { main.setAttribute('data-live-state', 'connected'); };
  ['health', 'alert', 'acknowledged', 'delivery'].forEach(function (type) {
    source.addEventListener(type, function (event) {
      var change;
      try { change = JSON.parse(event.data); } catch (e) { return; }
      if (scope === 'all' || change.accountId === scope) refresh(describe(change));
    });
  });
  source.addEventListener('reload', function () { refresh(null); });
  // A stream the server refused (429, 401) stays closed: fall back to reading the page every 30 s.
  source.onerror = function () { if (source.readyState === 2) poll(); };
})();
`;
