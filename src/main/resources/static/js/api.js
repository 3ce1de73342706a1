// Talk to the Enrich API with the signed-in API key (Authorization: Bearer). The key lives in sessionStorage only.

const KEY = 'enrich.apiKey';
const unauthorizedListeners = [];

/** An API answer that was not 2xx; `detail` is the problem+json detail when there is one. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export const auth = {
  key: () => sessionStorage.getItem(KEY),
  signIn: key => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
  /** Call back when the server answers 401 (unknown or missing key). */
  onUnauthorized: listener => unauthorizedListeners.push(listener),
};

/**
 * Fetch an API path with the Bearer key. `json` sends a JSON body, `form` a FormData body. Resolves to the
 * Response for 2xx; rejects with ApiError otherwise (and tells listeners about a 401).
 */
export async function call(path, {method = 'GET', json, form} = {}) {
  const headers = {Authorization: 'Bearer ' + (auth.key() || '')};
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const response = await fetch(path, {method, headers, body, cache: 'no-store', credentials: 'omit'});
  if (response.ok) return response;
  const detail = await problemDetail(response);
  if (response.status === 401) unauthorizedListeners.forEach(listener => listener());
  throw new ApiError(response.status, detail);
}

/** Fetch JSON. */
export async function getJson(path, options) {
  const response = await call(path, options);
  return response.status === 204 ? null : response.json();
}

/** Fetch a resource (thumbnail, canvas) with the key and return a blob: URL for it; revoke it when done. */
export async function blobUrl(path, type) {
  const blob = await (await call(path)).blob();
  return URL.createObjectURL(type ? new Blob([blob], {type}) : blob);
}

async function problemDetail(response) {
  if (response.status === 401) return 'Please sign in with your API key.';
  try {
    const problem = await response.json();
    if (problem && problem.detail) return problem.detail;
  } catch (ignored) {
    // Not problem+json: fall through to a generic message.
  }
  return `The server answered ${response.status}.`;
}
