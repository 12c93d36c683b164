// autocomplete.js - the search box as an ARIA combobox: completions from
// /suggest in a listbox, chosen with the arrow keys and Enter (or a click),
// closed with Escape.  Focus stays in the input; the active option is
// announced through aria-activedescendant.

import { suggest } from './api.js';

export function attachAutocomplete(input, list, onPick) {
  let items = [];
  let active = -1;
  let timer = 0;
  let ctrl = null;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    items = [];
    active = -1;
  }

  function setActive(i) {
    active = i;
    list.querySelectorAll('[role="option"]').forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', `vorschlag-${i}`);
      list.children[i]?.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function show(values) {
    if (!values.length || document.activeElement !== input) return close();
    items = values;
    active = -1;
    list.replaceChildren(
      ...values.map((v, i) => {
        const li = document.createElement('li');
        li.id = `vorschlag-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.textContent = v;
        return li;
      }),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function pick(i) {
    const v = items[i];
    close();
    if (v !== undefined) {
      input.value = v;
      onPick(v);
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    ctrl?.abort();
    const q = input.value;
    if (!q.trim()) return close();
    timer = setTimeout(async () => {
      ctrl = new AbortController();
      try {
        const values = await suggest(q, ctrl.signal);
        if (input.value === q) show(values.filter((v) => v !== q.trim()));
      } catch {
        close(); // suggestions are a convenience; the search reports errors
      }
    }, 150);
  });

  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (list.hidden || !items.length) return;
      e.preventDefault();
      const n = items.length;
      setActive(e.key === 'ArrowDown' ? (active + 1) % n : active <= 0 ? n - 1 : active - 1);
    } else if (e.key === 'Enter' && !list.hidden && active >= 0) {
      e.preventDefault();
      pick(active);
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      close();
    }
  });

  // mousedown, not click: the input must not lose focus first.
  list.addEventListener('mousedown', (e) => {
    const li = e.target.closest('[role="option"]');
    if (!li) return;
    e.preventDefault();
    pick([...list.children].indexOf(li));
  });
  input.addEventListener('blur', () => setTimeout(close, 100));

  return { close, cancel: () => { clearTimeout(timer); ctrl?.abort(); close(); } };
}
