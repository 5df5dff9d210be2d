// Contact page: warn about likely duplicates (GET /api/v1/contacts/{id}/duplicates) and offer to merge one into
// this contact (POST /api/v1/contacts/{id}/merge), through the same API clients use.
(function () {
  'use strict';
  var box = document.getElementById('duplicates');
  if (!box) {
    return;
  }
  var id = box.dataset.contactId;
  var canMerge = box.dataset.canMerge === 'true';

  function headers(json) {
    var h = { 'Accept': 'application/json' };
    if (json) {
      h['Content-Type'] = 'application/json';
    }
    var csrf = window.crmCsrf && window.crmCsrf();
    if (csrf) {
      h[csrf.header] = csrf.token;
    }
    return h;
  }

  function merge(duplicate, button) {
    if (!window.confirm('Merge “' + duplicate.name + '” into this contact? Its activities and deals move here '
        + 'and it is archived.')) {
      return;
    }
    button.disabled = true;
    fetch('/api/v1/contacts/' + encodeURIComponent(id) + '/merge', {
      method: 'POST', headers: headers(true), credentials: 'same-origin',
      body: JSON.stringify({ duplicateId: duplicate.id })
    }).then(function (response) {
      if (response.ok) {
        window.location.reload();
        return null;
      }
      return response.json().catch(function () { return {}; }).then(function (problem) {
        button.disabled = false;
        var p = document.createElement('p');
        p.className = 'field-error';
        p.setAttribute('role', 'alert');
        p.textContent = 'Merge failed: ' + (problem.detail || problem.title || ('HTTP ' + response.status));
        box.appendChild(p);
      });
    });
  }

  fetch('/api/v1/contacts/' + encodeURIComponent(id) + '/duplicates', {
    headers: headers(false), credentials: 'same-origin'
  }).then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (json) {
    if (!json || !json.items || json.items.length === 0) {
      return;
    }
    var alert = document.createElement('div');
    alert.className = 'alert warning';
    alert.setAttribute('role', 'status');
    var title = document.createElement('p');
    title.textContent = json.items.length === 1 ? 'This contact may have a duplicate:'
      : 'This contact may have ' + json.items.length + ' duplicates:';
    alert.appendChild(title);
    var list = document.createElement('ul');
    json.items.forEach(function (duplicate) {
      var li = document.createElement('li');
      var link = document.createElement('a');
      link.href = '/contacts/' + encodeURIComponent(duplicate.id);
      link.textContent = duplicate.name;
      li.appendChild(link);
      var why = document.createElement('span');
      why.className = 'muted';
      why.textContent = ' ' + [duplicate.email, duplicate.reason].filter(Boolean).join(' · ') + ' ';
      li.appendChild(why);
      if (canMerge) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'small secondary merge-button';
        button.textContent = 'Merge into this contact';
        button.setAttribute('aria-label', 'Merge ' + duplicate.name + ' into this contact');
        button.addEventListener('click', function () { merge(duplicate, button); });
        li.appendChild(button);
      }
      list.appendChild(li);
    });
    alert.appendChild(list);
    box.appendChild(alert);
  }).catch(function () { /* no warning when the check cannot run */ });
})();
