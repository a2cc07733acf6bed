/** Command numbers of the CMQ TCP protocol (cmq-api-tcp.md), as on the wire. */
export const CMD = {
  auth: 1020,
  send: 1021,
  batchSend: 1022,
  pull: 1023,
  batchPull: 1024,
  delete: 1025,
  batchDelete: 1026,
  publish: 1027,
  batchPublish: 1028,
  heartbeat: 1040,
  transactionConfirm: 1041,
  transactionQuery: 1042,
} as const;

export type CmdName = keyof typeof CMD;
export type CmdNumber = (typeof CMD)[CmdName];
