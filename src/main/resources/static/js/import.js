// CSV import page, driving the import API: preview (columns, first rows, suggested mapping), start (202 + job id),
// then poll the job for progress until it is done, and show the summary with the failed rows' CSV.
(function () {
  'use strict';
  var app = document.getElementById('import-app');
  if (!app) {
    return;
  }
  var upload = document.getElementById('import-upload');
  var entity = document.getElementById('import-entity');
  var fileInput = document.getElementById('import-file');
  var errorBox = document.getElementById('import-error');
  var mapping = document.getElementById('import-mapping');
  var runForm = document.getElementById('import-run');
  var fieldsBox = document.getElementById('import-fields');
  var progressPanel = document.getElementById('import-progress-panel');
  var progress = document.getElementById('import-progress');
  var progressText = document.getElementById('import-progress-text');
  var summary = document.getElementById('import-summary');
  var POLL_MS = 500;
  var preview = null;

  function headers() {
    var h = { 'Accept': 'application/json' };
    var csrf = window.crmCsrf && window.crmCsrf();
    if (csrf) {
      h[csrf.header] = csrf.token;
    }
    return h;
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function problemText(response) {
    return response.json().catch(function () { return {}; }).then(function (p) {
      var details = (p.errors || []).map(function (e) { return e.field + ': ' + e.message; }).join('; ');
      return (p.detail || p.title || p.error || ('HTTP ' + response.status)) + (details ? ' (' + details + ')' : '');
    });
  }

  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text == null ? '' : String(text);
    return el;
  }

  function showPreview(json) {
    preview = json;
    var table = document.getElementById('import-preview-table');
    var head = table.querySelector('thead');
    var body = table.querySelector('tbody');
    head.textContent = '';
    body.textContent = '';
    var tr = document.createElement('tr');
    json.headers.forEach(function (h) { var th = cell('th', h); th.scope = 'col'; tr.appendChild(th); });
    head.appendChild(tr);
    json.rows.forEach(function (row) {
      var r = document.createElement('tr');
      json.headers.forEach(function (h, i) { r.appendChild(cell('td', Array.isArray(row) ? row[i] : row[h])); });
      body.appendChild(r);
    });
    document.getElementById('import-rows-info').textContent = json.totalRows + ' rows in the file; the first '
      + json.rows.length + ' are shown.';
    fieldsBox.textContent = '';
    json.headers.forEach(function (h, i) {
      var wrap = document.createElement('div');
      wrap.className = 'field';
      var label = cell('label', h);
      label.htmlFor = 'map-' + i;
      var select = document.createElement('select');
      select.id = 'map-' + i;
      select.dataset.header = h;
      var ignore = cell('option', '(ignore this column)');
      ignore.value = '';
      select.appendChild(ignore);
      json.fields.forEach(function (f) {
        var name = typeof f === 'string' ? f : f.name;
        var option = cell('option', name);
        option.value = name;
        select.appendChild(option);
      });
      var suggested = json.suggestedMapping && json.suggestedMapping[h];
      select.value = suggested || '';
      wrap.appendChild(label);
      wrap.appendChild(select);
      fieldsBox.appendChild(wrap);
    });
    document.getElementById('dup-hint').textContent = entity.value === 'companies'
      ? 'Companies match by domain.' : 'Contacts match by email.';
    mapping.hidden = false;
  }

  upload.addEventListener('submit', function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    mapping.hidden = true;
    progressPanel.hidden = true;
    if (!fileInput.files.length) {
      fail('Choose a CSV file first.');
      return;
    }
    var data = new FormData();
    data.append('file', fileInput.files[0]);
    data.append('entity', entity.value);
    fetch('/api/v1/imports/preview', { method: 'POST', body: data, headers: headers(), credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          return problemText(response).then(function (t) { fail('The file could not be read: ' + t); });
        }
        return response.json().then(showPreview);
      }).catch(function () { fail('The server is not reachable.'); });
  });

  function showJob(job) {
    var total = job.totalRows || 0;
    progress.max = total > 0 ? total : 1;
    progress.value = job.processedRows || 0;
    progressText.textContent = (job.processedRows || 0) + ' of ' + total + ' rows processed'
      + (job.status === 'running' ? '…' : '.');
    if (job.status === 'running') {
      return false;
    }
    if (job.status === 'failed') {
      fail('The import failed' + (job.error ? ': ' + job.error : '.'));
    }
    ['total', 'created', 'updated', 'skipped', 'failed'].forEach(function (k) {
      document.getElementById('sum-' + k).textContent = String(k === 'total' ? total : (job[k] || 0));
    });
    var errorsLink = document.getElementById('import-errors-link');
    if (job.errorsUrl && job.failed > 0) {
      errorsLink.href = job.errorsUrl;
      errorsLink.hidden = false;
    } else {
      errorsLink.hidden = true;
    }
    document.getElementById('import-list-link').href = '/' + entity.value;
    summary.hidden = false;
    return true;
  }

  function poll(id) {
    fetch('/api/v1/imports/' + encodeURIComponent(id), { headers: headers(), credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          return problemText(response).then(function (t) { fail('Progress unavailable: ' + t); });
        }
        return response.json().then(function (job) {
          if (!showJob(job)) {
            window.setTimeout(function () { poll(id); }, POLL_MS);
          }
        });
      }).catch(function () { fail('The server is not reachable.'); });
  }

  runForm.addEventListener('submit', function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    var map = {};
    fieldsBox.querySelectorAll('select').forEach(function (select) {
      if (select.value) {
        map[select.dataset.header] = select.value;
      }
    });
    var data = new FormData();
    data.append('file', fileInput.files[0]);
    data.append('entity', entity.value);
    data.append('mapping', JSON.stringify(map));
    data.append('onDuplicate', runForm.querySelector('input[name="onDuplicate"]:checked').value);
    summary.hidden = true;
    progressPanel.hidden = false;
    progress.value = 0;
    progressText.textContent = 'Starting…';
    fetch('/api/v1/imports', { method: 'POST', body: data, headers: headers(), credentials: 'same-origin' })
      .then(function (response) {
        if (response.status !== 202 && !response.ok) {
          return problemText(response).then(function (t) { fail('The import could not start: ' + t); });
        }
        return response.json().then(function (job) {
          if (!showJob(job)) {
            poll(job.id);
          }
        });
      }).catch(function () { fail('The server is not reachable.'); });
  });
})();
