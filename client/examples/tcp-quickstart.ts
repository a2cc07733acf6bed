// cmq-edge/client over TCP through the bridge: against `npm start`, run with
// `npx tsx client/examples/tcp-quickstart.ts`. Messages travel on one pipelined connection;
// management (create, delete) and extend / release go over HTTP, which CMQ's TCP protocol lacks.
import { tcpClient } from "cmq-edge/client";

const cmq = tcpClient({
  host: process.env.CMQ_TCP_HOST ?? "127.0.0.1",
  port: Number(process.env.CMQ_TCP_PORT ?? 6380),
  endpoint: process.env.CMQ_ENDPOINT ?? "http://127.0.0.1:8787",
  credentials: {
    secretId: process.env.CMQ_SECRET_ID ?? "AKIDcmqEdgeLocalDefault",
    secretKey: process.env.CMQ_SECRET_KEY ?? "cmq-edge-local-secret-key",
  },
});

const queue = await cmq.createQueue(process.env.CMQ_QUEUE ?? "events");
try {
  // Fifty sends in flight at once on the one connection, answered as they complete.
  const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => queue.send(`event ${i}`)));
  console.log("sent:", ids.length);

  let received = 0;
  while (received < 50) {
    const batch = await queue.receiveBatch(16, { wait: 5 });
    if (batch.length === 0) throw new Error(`only ${received} of 50 came back`);
    const failed = await queue.deleteBatch(batch.map((m) => m.receiptHandle));
    if (failed.length > 0) throw new Error(`not deleted: ${JSON.stringify(failed)}`);
    received += batch.length;
  }
  console.log("received and deleted:", received);

  // A slow job asks for more time: a minute from now.
  await queue.send("slow job");
  const job = await queue.receive({ wait: 5 });
  if (job) {
    const until = await job.extend(60);
    console.log("kept until:", new Date(until * 1000).toISOString());
    await job.delete();
  }
} finally {
  await queue.remove();
  cmq.close();
}
