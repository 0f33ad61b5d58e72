import net from 'node:net';
import { BSON, type Document } from 'mongodb';

/**
 * A stand-in MongoDB server that speaks the wire protocol over a real
 * socket (OP_QUERY handshake, OP_MSG commands): it records every command and
 * answers with the handler's reply or an empty success. For what needs no
 * query engine (start-up, outages, the driver's real errors).
 */
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

export type Handler = (command: Document) => Document | undefined;

/**
 * What a self-hosted mongod 8 answers to $listSearchIndexes and
 * createSearchIndexes (code 31082; 7.0 and older answer other codes,
 * which isSearchNotSupported also knows).
 */
export const SEARCH_NOT_ENABLED: Document = {
  ok: 0,
  code: 31082,
  codeName: 'SearchNotEnabled',
  errmsg:
    'Using Atlas Search Database Commands and the $listSearchIndexes aggregation stage requires additional ' +
    'configuration. Please connect to Atlas or an AtlasCLI local deployment to enable.',
};

/** What a self-hosted mongod 8 answers to an aggregation with $search. */
export const SEARCH_STAGE_NOT_ENABLED: Document = {
  ...SEARCH_NOT_ENABLED,
  errmsg:
    'Using $search and $vectorSearch aggregation stages requires additional configuration. ' +
    'Please connect to Atlas or an AtlasCLI local deployment to enable.',
};

export class FakeMongod {
  readonly commands: Document[] = [];
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** Milliseconds to hold the reply to a command back (a slow server, e.g. a long index build); none by default. */
  delay: (command: Document) => number = () => 0;
  /**
   * The Atlas Search indexes of an Atlas server, by collection (as
   * $listSearchIndexes answers them); undefined by default: a self-hosted
   * server, which answers every search command with SEARCH_NOT_ENABLED.
   * createSearchIndexes adds a PENDING, not yet queryable index here.
   */
  searchIndexes: Record<string, Document[]> | undefined;
  /**
   * Answer `hello` as the primary of a one-member replica set of this name
   * (the driver then runs transactions: each command carries `lsid`,
   * `txnNumber` and `autocommit: false`); a standalone server by default.
   */
  replicaSet: string | undefined;

  constructor(private readonly handler: Handler = () => undefined) {}

  async start(port = 0): Promise<void> {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
      });
      socket.on('error', () => undefined);
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        while (buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0)) {
          const length = buffer.readInt32LE(0);
          this.answer(socket, buffer.subarray(0, length));
          buffer = buffer.subarray(length);
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** Stops listening and drops every connection, as a crashed or unplugged server would. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => {
      if (this.server) {
        this.server.close(() => {
          resolve();
        });
      } else {
        resolve();
      }
    });
  }

  private answer(socket: net.Socket, message: Buffer): void {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    let command: Document;
    if (opCode === OP_QUERY) {
      const nameEnd = message.indexOf(0, 20);
      const docStart = nameEnd + 1 + 8;
      command = BSON.deserialize(message.subarray(docStart, docStart + message.readInt32LE(docStart)));
    } else if (opCode === OP_MSG) {
      // flagBits, then a kind-0 section (the command), then any kind-1
      // sections (document sequences, e.g. the `updates` of a bulk write),
      // which are put into the command under their identifier.
      command = BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
      readSequences(message, 21 + message.readInt32LE(21), command);
    } else {
      socket.destroy();
      return;
    }
    this.commands.push(command);
    const reply = BSON.serialize(this.handler(command) ?? this.defaultReply(command));
    const delay = this.delay(command);
    if (delay > 0) {
      setTimeout(() => {
        this.reply(socket, requestId, opCode, reply);
      }, delay);
    } else {
      this.reply(socket, requestId, opCode, reply);
    }
  }

  private reply(socket: net.Socket, requestId: number, opCode: number, reply: Uint8Array): void {
    if (socket.destroyed) {
      return;
    }
    if (opCode === OP_QUERY) {
      const header = Buffer.alloc(36);
      header.writeInt32LE(36 + reply.length, 0);
      header.writeInt32LE(requestId, 8);
      header.writeInt32LE(OP_REPLY, 12);
      header.writeInt32LE(1, 32); // numberReturned
      socket.write(Buffer.concat([header, reply]));
    } else {
      const header = Buffer.alloc(21);
      header.writeInt32LE(21 + reply.length, 0);
      header.writeInt32LE(requestId, 8);
      header.writeInt32LE(OP_MSG, 12);
      socket.write(Buffer.concat([header, reply]));
    }
  }

  private defaultReply(command: Document): Document {
    const name = Object.keys(command)[0] ?? '';
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') {
      return {
        ok: 1,
        isWritablePrimary: true,
        ismaster: true,
        helloOk: true,
        maxWireVersion: 21,
        minWireVersion: 0,
        maxBsonObjectSize: 16 * 1024 * 1024,
        maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: 30,
        connectionId: 1,
        ...(this.replicaSet === undefined
          ? {}
          : {
              setName: this.replicaSet,
              setVersion: 1,
              hosts: [`127.0.0.1:${this.port}`],
              primary: `127.0.0.1:${this.port}`,
              me: `127.0.0.1:${this.port}`,
            }),
      };
    }
    const search = this.searchReply(command);
    if (search) {
      return search;
    }
    if (name === 'find' || name === 'aggregate') {
      return {
        ok: 1,
        cursor: { id: BSON.Long.fromNumber(0), ns: `codegenie.${String(command[name])}`, firstBatch: [] },
      };
    }
    if (name === 'insert' || name === 'update' || name === 'delete') {
      return { ok: 1, n: 0, nModified: 0 };
    }
    return { ok: 1 };
  }

  /** The answer to a search command or stage, as Atlas or a self-hosted server gives it; undefined for any other command. */
  private searchReply(command: Document): Document | undefined {
    const stage = (command.pipeline as Document[] | undefined)?.[0] ?? {};
    const collection = String(command.aggregate ?? command.createSearchIndexes);
    if ('$search' in stage) {
      // On Atlas: no candidates unless the test's handler answers.
      return this.searchIndexes ? undefined : SEARCH_STAGE_NOT_ENABLED;
    }
    if (!('$listSearchIndexes' in stage) && !('createSearchIndexes' in command)) {
      return undefined;
    }
    if (!this.searchIndexes) {
      return SEARCH_NOT_ENABLED;
    }
    const indexes = (this.searchIndexes[collection] ??= []);
    if ('createSearchIndexes' in command) {
      const created = (command.indexes as Document[]).map((index, i) => ({
        id: `search-${indexes.length + i}`,
        name: index.name as string,
        status: 'PENDING',
        queryable: false,
        latestDefinition: index.definition as Document,
      }));
      indexes.push(...created);
      return { ok: 1, indexesCreated: created.map(({ id, name }) => ({ id, name })) };
    }
    const wanted = (stage.$listSearchIndexes as Document).name as string | undefined;
    const listed = indexes.filter((index) => wanted === undefined || index.name === wanted);
    return {
      ok: 1,
      cursor: { id: BSON.Long.fromNumber(0), ns: `codegenie.${collection}`, firstBatch: listed },
    };
  }
}

/** Reads the kind-1 sections of an OP_MSG from `offset` into `command`. */
function readSequences(message: Buffer, offset: number, command: Document): void {
  let at = offset;
  // A checksum (flag bit 0) would follow the sections; the driver sends none.
  while (at < message.length && message.readUInt8(at) === 1) {
    const size = message.readInt32LE(at + 1);
    const end = at + 1 + size;
    const nameEnd = message.indexOf(0, at + 5);
    const identifier = message.toString('utf8', at + 5, nameEnd);
    const documents: Document[] = [];
    for (let doc = nameEnd + 1; doc < end; doc += message.readInt32LE(doc)) {
      documents.push(BSON.deserialize(message.subarray(doc, doc + message.readInt32LE(doc))));
    }
    command[identifier] = documents;
    at = end;
  }
}
