// Deals board: drag a card to another stage (SortableJS) or pick a stage in its "Move to" list. The move is saved
// with the version the card shows; a card someone else changed meanwhile is refused (409) and the board reloads
// with the latest data and says so.
(function () {
  'use strict';
  // the pipeline switcher shows the chosen pipeline's board at once (for viewers too)
  var switcher = document.getElementById('pipeline-switch');
  if (switcher) {
    switcher.addEventListener('change', function () {
      switcher.form.submit();
    });
  }
  var board = document.getElementById('board');
  var status = document.getElementById('board-status');
  if (!board || board.dataset.canMove !== 'true') {
    return;
  }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', !!isError);
    status.hidden = false;
  }

  function label(stage) {
    var spaced = stage.replace(/[_-]/g, ' ');
    return spaced.charAt(0).toUpperCase() + spaced.slice(1);
  }

  // "1234567.50" -> "1,234,567.50", exactly (amounts are decimal strings, never floats)
  function money(amount, currency) {
    var parts = String(amount).split('.');
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return parts.join('.') + ' ' + currency;
  }

  function showTotals(totals) {
    Object.keys(totals).forEach(function (stage) {
      var total = board.querySelector('.column-total[data-stage="' + stage + '"]');
      if (!total) {
        return;
      }
      var t = totals[stage];
      total.querySelector('.count').textContent = t.count + (t.count === 1 ? ' deal' : ' deals');
      var sums = total.querySelector('.sums');
      sums.textContent = '';
      Object.keys(t.amounts).forEach(function (currency) {
        var span = document.createElement('span');
        span.className = 'sum';
        span.textContent = money(t.amounts[currency], currency);
        sums.appendChild(span);
      });
    });
  }

  function placeCard(card, stage) {
    var list = board.querySelector('.cards[data-stage="' + stage + '"]');
    if (list && card.parentElement !== list) {
      list.insertBefore(card, list.firstChild);
    }
    var select = card.querySelector('.move-select');
    if (select) {
      select.value = stage;
    }
  }

  // A deal moved to a lost stage says why (the dialog: one of the configured reasons, or any text when none are
  // configured). Resolves to '' for other stages, to the reason, or to null when the person cancels.
  var dialog = document.getElementById('lost-dialog');

  function lostReason(stage) {
    var list = board.querySelector('.cards[data-stage="' + stage + '"]');
    if (!list || list.dataset.lost !== 'true') {
      return Promise.resolve('');
    }
    var field = document.getElementById('lost-reason');
    field.value = field.tagName === 'SELECT' ? field.options[0].value : '';
    return new Promise(function (resolve) {
      dialog.addEventListener('close', function () {
        resolve(dialog.returnValue === 'ok' && field.value.trim() ? field.value.trim() : null);
      }, { once: true });
      dialog.showModal();
      field.focus();
    });
  }

  function move(card, stage, from) {
    return lostReason(stage).then(function (reason) {
      if (reason === null) {
        placeCard(card, from);
        say('Not moved: a lost deal needs a reason.', true);
        return null;
      }
      return send(card, stage, from, reason);
    });
  }

  function send(card, stage, from, reason) {
    var csrf = window.crmCsrf && window.crmCsrf();
    var headers = { 'Accept': 'application/json' };
    if (csrf) {
      headers[csrf.header] = csrf.token;
    }
    var body = new URLSearchParams();
    body.set('stage', stage);
    body.set('version', card.dataset.version);
    if (reason) {
      body.set('lostReason', reason);
    }
    card.setAttribute('aria-busy', 'true');
    return fetch('/deals/' + encodeURIComponent(card.dataset.id) + '/stage', {
      method: 'POST', headers: headers, body: body, credentials: 'same-origin'
    }).then(function (response) {
      card.removeAttribute('aria-busy');
      if (response.ok) {
        return response.json().then(function (json) {
          card.dataset.version = String(json.version);
          placeCard(card, json.stage);
          showTotals(json.totals);
          say('Moved “' + card.dataset.title + '” to ' + label(json.stage) + '.', false);
        });
      }
      if (response.status === 409) {
        // stale card: reload the board with the latest data and the conflict message
        window.location.assign('/deals?pipelineId=' + encodeURIComponent(board.dataset.pipeline) + '&conflict='
          + encodeURIComponent(card.dataset.title));
        return null;
      }
      return response.json().catch(function () { return {}; }).then(function (json) {
        placeCard(card, from);
        say((json && json.message) || ('The deal could not be moved (HTTP ' + response.status + ').'), true);
      });
    }).catch(function () {
      card.removeAttribute('aria-busy');
      placeCard(card, from);
      say('The deal could not be moved: the server is not reachable.', true);
    });
  }

  board.querySelectorAll('.cards').forEach(function (list) {
    // forceFallback: mouse/touch events instead of native HTML5 drag and drop, the same on every browser
    window.Sortable.create(list, {
      group: 'deals', animation: 150, draggable: '.card', filter: 'select, label', preventOnFilter: false,
      forceFallback: true, fallbackTolerance: 3,
      onEnd: function (event) {
        if (event.from !== event.to) {
          move(event.item, event.to.dataset.stage, event.from.dataset.stage);
        }
      }
    });
  });

  board.addEventListener('change', function (event) {
    var select = event.target;
    if (!select.classList.contains('move-select')) {
      return;
    }
    var card = select.closest('.card');
    var from = card.parentElement.dataset.stage;
    if (select.value !== from) {
      move(card, select.value, from);
    }
  });
})();
