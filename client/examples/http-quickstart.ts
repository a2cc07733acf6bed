// cmq-edge/client over HTTP: against `npm start`, run with `npx tsx client/examples/http-quickstart.ts`.
import { CMQ_CODES, CmqError, httpClient } from "cmq-edge/client";

const cmq = httpClient({
  endpoint: process.env.CMQ_ENDPOINT ?? "http://127.0.0.1:8787",
  credentials: {
    secretId: process.env.CMQ_SECRET_ID ?? "AKIDcmqEdgeLocalDefault",
    secretKey: process.env.CMQ_SECRET_KEY ?? "cmq-edge-local-secret-key",
  },
});

const queue = await cmq.createQueue(process.env.CMQ_QUEUE ?? "orders", { visibilityTimeout: 30 });
try {
  await queue.sendBatch(["order 1", "order 2", "order 3"]);
  console.log("waiting:", (await queue.peek()).map((m) => m.body).join(", "));

  // Consume: each message is deleted once the loop body has returned for it.
  const done = new AbortController();
  let handled = 0;
  for await (const m of queue.messages({ wait: 10, deleteOnSuccess: true, signal: done.signal })) {
    console.log("handled:", m.body);
    if (++handled === 3) done.abort(); // ends the loop; this message is still deleted
  }

  // A slow job keeps its message; a failed one hands it back without waiting out the timeout.
  await queue.send("order 4");
  const slow = await queue.receive({ wait: 10 });
  if (slow) {
    await slow.extend(120);
    await slow.release();
    const again = await queue.receive({ wait: 10 });
    console.log("received again:", again?.body, "dequeueCount", again?.dequeueCount);
    await again?.delete();
  }

  // "No message" is an empty result; CMQ's refusals are errors with its code and message.
  console.log("empty:", await queue.receive());
  try {
    await cmq.queue("no-such-queue").send("x");
  } catch (e) {
    if (!(e instanceof CmqError) || e.code !== CMQ_CODES.queueNotFound) throw e;
    console.log("refused:", e.code, e.cmqMessage);
  }
} finally {
  await queue.remove();
}
