/**
 * The dashboard's only script, served as /assets/dashboard.js (no build step, no framework).
 * Pages work without it; it adds the reader's time zone, clean filter URLs and a calm refresh.
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

  // Overview: every 30 s ask the API whether anything changed; if so, take the fresh rows from the
  // server and briefly highlight the rows whose state changed.
  var table = document.getElementById('accounts');
  if (!table || !window.fetch || !window.DOMParser) return;
  var signature = function (rows) { return rows.map(function (r) { return [r.id, r.state, r.score, r.openCases, r.openEscalations, r.nextMeeting ? r.nextMeeting.startsAt : ''].join('|'); }).join(';'); };
  var currentStates = function () {
    var states = {};
    table.querySelectorAll('tbody tr[data-id]').forEach(function (tr) { states[tr.getAttribute('data-id')] = tr.getAttribute('data-state'); });
    return states;
  };
  var last = null;
  var stamp = document.getElementById('refreshed');
  var refresh = function () {
    if (document.hidden) return;
    fetch(table.getAttribute('data-refresh'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error('signed out'); }
        if (!response.ok) throw new Error('refresh failed: ' + response.status);
        return response.json();
      })
      .then(function (rows) {
        var next = signature(rows);
        if (last === null) { last = next; return null; }
        if (next === last) return null;
        last = next;
        return fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' }).then(function (r) { return r.text(); });
      })
      .then(function (page) {
        if (stamp) stamp.textContent = 'Checked ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) + '.';
        if (!page) return;
        var fresh = new DOMParser().parseFromString(page, 'text/html');
        var freshBody = fresh.querySelector('#accounts tbody');
        var tally = document.querySelector('.tally');
        var freshTally = fresh.querySelector('.tally');
        if (!freshBody) return;
        var before = currentStates();
        table.querySelector('tbody').replaceWith(document.importNode(freshBody, true));
        if (tally && freshTally) tally.replaceWith(document.importNode(freshTally, true));
        table.querySelectorAll('tbody tr[data-id]').forEach(function (tr) {
          var id = tr.getAttribute('data-id');
          if (before[id] !== undefined && before[id] !== tr.getAttribute('data-state')) tr.classList.add('changed');
        });
      })
      .catch(function () { /* a missed refresh is tried again in 30 s */ });
  };
  refresh();
  setInterval(refresh, 30000);
})();
`;
