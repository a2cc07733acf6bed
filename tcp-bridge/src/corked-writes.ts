/**
 * Frames written in the same turn of the event loop leave in one writev: a coalesced call answers
 * dozens of frames at once, and a pipelining client sends dozens of requests in a burst, so this
 * saves a system call per frame. The cork lasts until the turn's I/O is done (setImmediate), after
 * every promise continuation that writes in it.
 */
import type { Socket } from "node:net";

export function corkedWriter(socket: Socket): (bytes: Uint8Array) => void {
  let corked = false;
  return (bytes) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    socket.write(bytes);
  };
}
