/**
 * The consuming iterator against a queue of our own making, so each step (receive, body, delete,
 * release) is recorded in order: what deleteOnSuccess deletes, what a throw or a break leaves, and
 * how a signal or `wait: 0` ends the loop.
 */
import { Message } from "cmq-edge/client";
import { describe, expect, it } from "vitest";
import { consume, type Receiving } from "../../../client/message-iterator";

/** A queue holding batches to hand out, logging what happens to each message. */
function fakeQueue(
  batches: string[][],
  options: { canRelease?: boolean; onEmpty?: () => void } = {},
) {
  const log: string[] = [];
  const owner = {
    name: "q",
    delete: async (handle: string) => {
      log.push(`delete ${handle}`);
    },
    changeVisibility: async (handle: string, seconds: number) => {
      log.push(`visibility ${handle} ${seconds}`);
      return 0;
    },
  };
  const message = (body: string) =>
    new Message(owner, {
      msgId: body,
      receiptHandle: body,
      body,
      enqueueTime: 0,
      firstDequeueTime: 0,
      nextVisibleTime: 0,
      dequeueCount: 1,
    });
  const queue: Receiving = {
    canRelease: options.canRelease ?? true,
    receiveBatch: async (max, { wait }) => {
      log.push(`receive ${max} wait ${wait}`);
      const next = batches.shift();
      if (!next) options.onEmpty?.();
      return (next ?? []).map(message);
    },
    receive: async ({ wait }) => {
      log.push(`receive 1 wait ${wait}`);
      const next = batches.shift();
      if (!next) options.onEmpty?.();
      return next?.[0] === undefined ? undefined : message(next[0]);
    },
  };
  return { queue, log };
}

describe("queue.messages()", () => {
  it("deletes each message once its loop body has returned, and ends on an empty queue with wait 0", async () => {
    const { queue, log } = fakeQueue([["a", "b"], ["c"]]);
    for await (const m of consume(queue, { wait: 0, batch: 16, deleteOnSuccess: true })) {
      log.push(`body ${m.body}`);
    }
    expect(log).toEqual([
      "receive 16 wait 0",
      "body a",
      "delete a",
      "body b",
      "delete b",
      "receive 16 wait 0",
      "body c",
      "delete c",
      "receive 16 wait 0",
    ]);
  });

  it("deletes nothing unless asked", async () => {
    const { queue, log } = fakeQueue([["a"]]);
    for await (const m of consume(queue, { wait: 0 })) log.push(`body ${m.body}`);
    expect(log).toEqual(["receive 1 wait 0", "body a", "receive 1 wait 0"]);
  });

  it("leaves the message of a body that threw, and releases the batch's rest at once", async () => {
    const { queue, log } = fakeQueue([["a", "b", "c"]]);
    const loop = async () => {
      for await (const m of consume(queue, { wait: 0, batch: 3, deleteOnSuccess: true })) {
        if (m.body === "b") throw new Error("job failed");
        log.push(`body ${m.body}`);
      }
    };
    await expect(loop()).rejects.toThrow("job failed");
    expect(log).toEqual(["receive 3 wait 0", "body a", "delete a", "visibility c 0"]);
  });

  it("treats a break as the end of the loop: that message stays, the rest go back", async () => {
    const { queue, log } = fakeQueue([["a", "b", "c"]]);
    for await (const m of consume(queue, { wait: 0, batch: 3, deleteOnSuccess: true })) {
      log.push(`body ${m.body}`);
      break;
    }
    expect(log).toEqual(["receive 3 wait 0", "body a", "visibility b 0", "visibility c 0"]);
  });

  it("leaves unyielded messages to their timeout where the client cannot release them", async () => {
    const { queue, log } = fakeQueue([["a", "b"]], { canRelease: false });
    for await (const _ of consume(queue, { wait: 0, batch: 2 })) break;
    expect(log).toEqual(["receive 2 wait 0"]);
  });

  it("keeps long-polling through empty receives, and ends without an error when the signal aborts", async () => {
    const controller = new AbortController();
    let empties = 0;
    const { queue, log } = fakeQueue([[], ["a"]], {
      onEmpty: () => {
        empties += 1;
        controller.abort();
      },
    });
    const bodies: string[] = [];
    for await (const m of consume(queue, { wait: 20, signal: controller.signal }))
      bodies.push(m.body);
    expect({ bodies, empties }).toEqual({ bodies: ["a"], empties: 1 });
    expect(log).toEqual(["receive 1 wait 20", "receive 1 wait 20", "receive 1 wait 20"]);
  });

  it("ends without an error when the signal aborts the receive in progress", async () => {
    const controller = new AbortController();
    const queue: Receiving = {
      canRelease: true,
      receiveBatch: async () => [],
      receive: async ({ signal }) => {
        controller.abort();
        signal?.throwIfAborted();
        return undefined;
      },
    };
    const seen: unknown[] = [];
    for await (const m of consume(queue, { wait: 20, signal: controller.signal })) seen.push(m);
    expect(seen).toEqual([]);
  });

  it("passes on a receive's error when the signal did not abort", async () => {
    const queue: Receiving = {
      canRelease: true,
      receiveBatch: async () => [],
      receive: async () => {
        throw new Error("queue is not existed");
      },
    };
    const loop = async () => {
      for await (const _ of consume(queue, { wait: 20 })) break;
    };
    await expect(loop()).rejects.toThrow("queue is not existed");
  });
});
