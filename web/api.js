// api.js - the daemon's JSON API as the page uses it: /search and
// /suggest (docs/api.md).  Errors become ApiError with a German message for
// people plus the daemon's own message, so the page can show both.

export class ApiError extends Error {
  constructor(message, { status = 0, detail = '' } = {}) {
    super(message);
    this.status = status;
    this.detail = detail;
  }
}

async function getJson(path, params, signal) {
  const url = `${path}?${params.toString()}`;
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError('Der Suchdienst ist nicht erreichbar. Bitte prüfen Sie, ob searchd läuft, und versuchen Sie es erneut.');
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const detail = body?.error?.message ?? res.statusText;
    const msg =
      res.status === 400 || res.status === 414
        ? 'Die Suchanfrage kann nicht verarbeitet werden.'
        : res.status === 503
          ? 'Der Suchdienst ist gerade nicht verfügbar.'
          : `Der Suchdienst meldet einen Fehler (${res.status}).`;
    throw new ApiError(msg, { status: res.status, detail });
  }
  if (!body) throw new ApiError('Der Suchdienst hat eine unlesbare Antwort geschickt.');
  return body;
}

// state: {q, type, year, speaker, org, event, sort, page}
export function search(state, size, signal) {
  const p = new URLSearchParams({ q: state.q, size: String(size), page: String(state.page || 1) });
  for (const k of ['type', 'year', 'speaker', 'org', 'event']) if (state[k]) p.set(k, state[k]);
  if (state.sort && state.sort !== 'relevance') p.set('sort', state.sort);
  return getJson('/search', p, signal);
}

export async function suggest(q, signal) {
  const body = await getJson('/suggest', new URLSearchParams({ q, size: '8' }), signal);
  return Array.isArray(body.suggestions) ? body.suggestions : [];
}
