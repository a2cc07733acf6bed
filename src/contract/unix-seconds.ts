/** Times travel as whole Unix seconds on both wires (cmq-api-http.md §3, the TCP pull reply). */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
