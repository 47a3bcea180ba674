// The back office works without this file; it adds keyboard work, focus after htmx swaps,
// confirmations, selection helpers and an image zoom. No inline scripts: the CSP forbids them.
(() => {
  'use strict';
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  // After htmx swaps a panel, move focus to its message so screen readers and keyboards follow.
  document.addEventListener('htmx:after:settle', () => {
    const target = $('[data-focus]');
    if (target) {
      target.removeAttribute('data-focus');
      target.focus({ preventScroll: false });
    }
    // The row of the review shown beside the queue is the current one, so j/k carry on from it.
    const shown = $('#review-pane.open')?.dataset.reviewId;
    const at = shown ? rows().findIndex((row) => row.id === `r-${shown}`) : -1;
    if (at >= 0) current = at;
    markCurrentRow();
    narrowBulkReasons();
  });

  // A page reached by a form's redirect says what happened at its top: focus goes there, so a
  // screen reader reads it first. With an anchor (a refused form further down), the form keeps the view.
  const flash = $('#flash');
  if (flash && !location.hash) flash.focus({ preventScroll: true });

  // The review page's heartbeat says what its reader is doing: deciding while in a decision form,
  // writing while in the note box, else viewing. A change is sent at once, not at the next beat.
  const presence = $('#presence');
  if (presence) {
    const field = $('input[name=activity]', presence);
    const doing = (el) => (el?.closest('#review-panel form') ? 'deciding' : el?.closest('#note-form') ? 'noting' : 'viewing');
    const update = () =>
      setTimeout(() => {
        const now = doing(document.activeElement);
        if (now === field.value) return;
        field.value = now;
        presence.dispatchEvent(new Event('presence-changed'));
      });
    document.addEventListener('focusin', update);
    document.addEventListener('focusout', update);
  }

  // Destructive buttons ask first (data-confirm on the submit button).
  document.addEventListener('click', (e) => {
    const button = e.target.closest('[data-confirm]');
    if (button && !window.confirm(button.getAttribute('data-confirm'))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // Queue: "select the page" checks every row; the live refresh waits while anything is selected
  // or while the reader is typing in the filters, so it never takes work out from under them.
  document.addEventListener('change', (e) => {
    if (e.target.id === 'select-page') for (const box of $$('#queue-rows input[name=ids]')) box.checked = e.target.checked;
    if (e.target.id === 'select-page' || e.target.matches?.('#queue-rows input[name=ids]')) narrowBulkReasons();
  });

  // Bulk reject offers the reasons every selected review's kind has (with nothing selected, every row's):
  // one kind, its own list; mixed kinds, what they share. The server holds the same rule.
  const narrowBulkReasons = () => {
    const select = $('#bulk-reason');
    if (!select) return;
    const picked = $$('#queue-rows input[name=ids]:checked').map((box) => box.closest('tr')?.dataset.kind);
    const kinds = new Set((picked.length ? picked : $$('#queue-rows > tr[data-kind]').map((row) => row.dataset.kind)).filter(Boolean));
    for (const option of $$('option[data-kinds]', select)) {
      const offered = option.dataset.kinds.split(' ');
      const ok = [...kinds].every((k) => offered.includes(k));
      option.hidden = !ok;
      option.disabled = !ok;
    }
    if (select.selectedOptions[0]?.disabled) select.value = '';
  };
  document.addEventListener('htmx:config:request', (e) => {
    const ctx = e.detail.ctx;
    if (ctx.sourceElement.id !== 'queue-live') return;
    const busy = document.visibilityState !== 'visible' || $$('#queue-rows input[name=ids]:checked').length > 0 || typing(document.activeElement) || $('dialog[open]');
    if (busy) {
      e.preventDefault();
      return;
    }
    ctx.request.body.set('shown', String($$('#queue-rows > tr[data-review-id]').length));
  });

  // Images open large in a dialog; the link still works without this.
  document.addEventListener('click', (e) => {
    const link = e.target.closest('a[data-zoom]');
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    let dialog = $('#zoom');
    if (!dialog) {
      dialog = document.createElement('dialog');
      dialog.id = 'zoom';
      dialog.className = 'zoom';
      dialog.addEventListener('click', () => dialog.close());
      document.body.append(dialog);
    }
    dialog.replaceChildren(Object.assign(document.createElement('img'), { src: link.href, alt: link.getAttribute('aria-label') || '' }));
    dialog.showModal();
  });

  // Keyboard: j/k move in the queue, Enter opens, a/r/c act on a review, n goes to the next one.
  let current = -1;
  const rows = () => $$('#queue-rows > tr[data-review-id]');
  function markCurrentRow() {
    const all = rows();
    if (!all.length) return;
    if (current >= all.length) current = all.length - 1;
    all.forEach((row, i) => row.classList.toggle('current', i === current));
  }
  function move(by) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, current + by));
    markCurrentRow();
    const link = $('a.title', all[current]);
    link?.focus();
  }
  // Back from a review (q), the queue opens at that review's row: j/k carry on from there.
  const returnedTo = location.hash.startsWith('#r-') ? rows().findIndex((row) => `#${row.id}` === location.hash) : -1;
  if (returnedTo >= 0) {
    current = returnedTo;
    markCurrentRow();
    $('a.title', rows()[current])?.focus({ preventScroll: true });
  }
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || $('dialog[open]')) return;
    const click = (sel) => {
      const el = $(sel);
      if (el) {
        e.preventDefault();
        el.click();
      }
    };
    switch (e.key) {
      case 'j': e.preventDefault(); move(1); break;
      case 'k': e.preventDefault(); move(-1); break;
      case 'Enter': {
        const row = rows()[current];
        if (row && document.activeElement === document.body) { e.preventDefault(); location.href = row.dataset.href; }
        break;
      }
      case 'a': click('#approve'); break;
      case 'c': click('#claim'); break;
      case 'r': {
        const first = $('[data-key-reason]');
        if (first) { e.preventDefault(); first.focus(); first.closest('form')?.scrollIntoView({ block: 'nearest' }); }
        break;
      }
      case 'n': click('a[data-key-next]'); break;
      case '/': { const search = $('input[name=q]'); if (search) { e.preventDefault(); search.focus(); } break; }
      case '?': { const help = $('#keys-help'); if (help) { e.preventDefault(); help.showModal(); } break; }
      case 'q': {
        e.preventDefault();
        if ($('#review-pane.open')) { closePane(); break; }
        const back = $('a[data-key-back]');
        location.href = back ? back.getAttribute('href') : '/queue';
        break;
      }
      default: break;
    }
  });
  document.addEventListener('click', (e) => {
    if (e.target.closest('[data-help]')) $('#keys-help')?.showModal();
  });

  // The split view closes in place, back to the queue row it showed; the link itself is the queue at that row.
  function closePane() {
    const pane = $('#review-pane.open');
    if (!pane) return;
    const row = pane.dataset.reviewId && document.getElementById(`r-${pane.dataset.reviewId}`);
    pane.replaceChildren();
    pane.classList.remove('open');
    delete pane.dataset.reviewId;
    if (row) {
      current = rows().indexOf(row);
      markCurrentRow();
      $('a.title', row)?.focus();
    }
  }
  document.addEventListener('click', (e) => {
    const close = e.target.closest('#review-pane [data-pane-close]');
    if (!close || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    closePane();
  });

  // Header menus: one open at a time, closed by a click elsewhere or Escape.
  document.addEventListener('click', (e) => {
    const inside = e.target.closest('details.menu');
    for (const menu of $$('details.menu[open]')) if (menu !== inside) menu.open = false;
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const open = $('details.menu[open]');
    if (open) {
      open.open = false;
      open.querySelector('summary')?.focus();
    }
  });

  // A schedule CSV chosen as a file is read into the form's text box (without JavaScript it is pasted there).
  for (const label of $$('label.js-only')) label.hidden = false;
  document.addEventListener('change', async (e) => {
    const input = e.target.closest('input[data-csv-file]');
    const target = input?.form?.querySelector('[data-csv-target]');
    if (!input || !target || !input.files?.[0]) return;
    target.value = await input.files[0].text();
  });
})();
