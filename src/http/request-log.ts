/**
 * `npm start -- --log-requests` (CMQ_LOG_REQUESTS=1): one JSON line per request on the Worker's
 * log, with the API, action, queue or topic, the code answered and the milliseconds taken. The
 * endpoint that serves a request notes what it learns; the entry point writes the line. Off,
 * nothing is noted: a note on a request nobody watches is one WeakMap miss.
 * @module
 */

export interface RequestNote {
  /** cmq (API 2.0), api3, bridge or metrics. */
  api?: string;
  action?: string;
  queue?: string;
  topic?: string;
  /** The CMQ code answered (API 3.0: its error code, "" on success; metrics: the HTTP status). */
  code?: number | string;
  /** Frames or items one bridge call carried. */
  items?: number;
}

const notes = new WeakMap<Request, RequestNote>();

export function noteRequest(request: Request, fields: RequestNote): void {
  const note = notes.get(request);
  if (note) Object.assign(note, fields);
}

/** The text of a string parameter, else undefined (parameters arrive as anything). */
export function textOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Serves `request` with `serve` and logs its line. */
export async function servedWithLog(
  request: Request,
  serve: () => Promise<Response>,
): Promise<Response> {
  const note: RequestNote = {};
  notes.set(request, note);
  // Workers' clock moves on across I/O, which is where a request's time goes.
  const started = Date.now();
  const response = await serve();
  const path = new URL(request.url).pathname;
  console.log(
    JSON.stringify({
      ...note,
      ...(note.api ? {} : { path }),
      status: response.status,
      ms: Date.now() - started,
    }),
  );
  return response;
}
