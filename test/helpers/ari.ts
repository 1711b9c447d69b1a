import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { answer } from './json-http.ts';

/**
 * A stand-in of Asterisk's REST Interface (ARI), written from its published contract (the ARI
 * reference and its Swagger 1.2 documents): the REST resources the Sportello Stasis application
 * uses (asterisk, channels, bridges, playbacks), the `/ari/api-docs/*.json` documents ari-client
 * reads at connect, HTTP basic auth (or `api_key=user:pass`), and the event WebSocket
 * `/ari/events?app=…`. It keeps the channels, bridges and playbacks it was asked for, answers as
 * ARI does (404 for an unknown channel, 409 for one not in Stasis…), records every REST request,
 * and sends the events a test writes (StasisStart, ChannelDtmfReceived…). Like Asterisk it sends
 * the events of its own making: ChannelStateChange on answer, StasisEnd + ChannelDestroyed when a
 * channel is hung up through REST, StasisStart when an originated channel is answered.
 */
export interface AriChannel {
  id: string;
  name: string;
  state: 'Down' | 'Ring' | 'Ringing' | 'Up';
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  accountcode: string;
  dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
  creationtime: string;
  language: string;
}
export interface AriRequest {
  method: string;
  /** Below /ari, e.g. `/channels/1.1/answer`. */
  path: string;
  query: Record<string, string>;
}
export interface AriStandIn {
  url: string;
  requests: AriRequest[];
  channels: Map<string, AriChannel & { inStasis: boolean; args: string[] }>;
  bridges: Map<string, { id: string; bridge_type: string; name: string; channels: string[] }>;
  /** WebSocket connections opened so far (reconnections included). */
  connections: number;
  /** Requests after `from` (an index into `requests`) matching method and path. */
  made(method: string, path: RegExp | string, from?: number): AriRequest[];
  /** Resolves with the first request (after `from`) matching method, path and `where`, as it arrives. */
  next(method: string, path: RegExp | string, from?: number, where?: (r: AriRequest) => boolean): Promise<AriRequest>;
  /** The next request matching method, path (and `where`) is refused with `status` and ARI's `{ message }`. */
  refuse(method: string, path: RegExp, status: number, message: string, where?: (r: AriRequest) => boolean): void;
  /** A call arrives from the dialplan's `Stasis(app)`: the channel, ringing, enters the application. */
  inbound(c: { id: string; caller: string; exten: string }): AriChannel;
  /** An originated channel is answered by the far end: it enters the application (StasisStart). */
  answerOriginated(id: string): void;
  /** An event of the channel's, as Asterisk sends it (`type` and the event's own fields). */
  event(type: string, channelId: string, fields?: Record<string, unknown>): void;
  /** The far end hangs up with a Q.850 cause: ChannelHangupRequest, StasisEnd (when in Stasis), ChannelDestroyed. */
  hangup(id: string, cause: number, opts?: { withEvents?: boolean }): void;
  /** Drops every event WebSocket (as a network failure does); `refuseFor` more connection attempts are refused. */
  dropWebSockets(refuseFor?: number): void;
  close(): Promise<void>;
}

const causeText: Record<number, string> = {
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  34: 'Circuit/channel congestion',
};

// --- The Swagger 1.2 documents: only the resources and operations used, as ARI declares them. ---
type Param = [name: string, paramType: 'path' | 'query' | 'body', dataType: string, required?: boolean];
type Operation = [httpMethod: string, path: string, nickname: string, responseClass: string, params: Param[]];
const id = (name: string): Param => [name, 'path', 'string', true];
const q = (name: string, dataType = 'string', required = false): Param => [name, 'query', dataType, required];

const operations: Record<string, Operation[]> = {
  asterisk: [['GET', '/asterisk/info', 'getInfo', 'AsteriskInfo', [q('only')]]],
  channels: [
    ['GET', '/channels', 'list', 'List[Channel]', []],
    [
      'POST',
      '/channels',
      'originate',
      'Channel',
      [
        q('endpoint', 'string', true),
        q('app'),
        q('appArgs'),
        q('callerId'),
        q('timeout', 'int'),
        q('channelId'),
        ['variables', 'body', 'containers'],
      ],
    ],
    ['GET', '/channels/{channelId}', 'get', 'Channel', [id('channelId')]],
    ['DELETE', '/channels/{channelId}', 'hangup', 'void', [id('channelId'), q('reason')]],
    [
      'POST',
      '/channels/{channelId}/continue',
      'continueInDialplan',
      'void',
      [id('channelId'), q('context'), q('extension'), q('priority', 'int')],
    ],
    ['POST', '/channels/{channelId}/answer', 'answer', 'void', [id('channelId')]],
    ['POST', '/channels/{channelId}/play', 'play', 'Playback', [id('channelId'), q('media', 'string', true), q('lang'), q('playbackId')]],
  ],
  bridges: [
    ['POST', '/bridges', 'create', 'Bridge', [q('type'), q('bridgeId'), q('name')]],
    ['POST', '/bridges/{bridgeId}', 'createWithId', 'Bridge', [q('type'), id('bridgeId'), q('name')]],
    ['DELETE', '/bridges/{bridgeId}', 'destroy', 'void', [id('bridgeId')]],
    ['POST', '/bridges/{bridgeId}/addChannel', 'addChannel', 'void', [id('bridgeId'), q('channel', 'string', true), q('role')]],
    ['POST', '/bridges/{bridgeId}/removeChannel', 'removeChannel', 'void', [id('bridgeId'), q('channel', 'string', true)]],
    ['POST', '/bridges/{bridgeId}/moh', 'startMoh', 'void', [id('bridgeId'), q('mohClass')]],
  ],
  playbacks: [['DELETE', '/playbacks/{playbackId}', 'stop', 'void', [id('playbackId')]]],
  events: [['GET', '/events', 'eventWebsocket', 'Message', [q('app', 'string', true), q('subscribeAll', 'boolean')]]],
};

const props = (p: Record<string, string>) => Object.fromEntries(Object.entries(p).map(([k, type]) => [k, { type }]));
const event = (p: Record<string, string> = {}) => ({
  properties: props({ type: 'string', application: 'string', timestamp: 'Date', asterisk_id: 'string', ...p }),
});
const models: Record<string, Record<string, object>> = {
  asterisk: { AsteriskInfo: { properties: props({ build: 'object', system: 'object', config: 'object', status: 'object' }) } },
  channels: {
    Channel: {
      properties: props({
        id: 'string',
        name: 'string',
        state: 'string',
        caller: 'CallerID',
        connected: 'CallerID',
        accountcode: 'string',
        dialplan: 'DialplanCEP',
        creationtime: 'Date',
        language: 'string',
      }),
    },
    CallerID: { properties: props({ name: 'string', number: 'string' }) },
    DialplanCEP: { properties: props({ context: 'string', exten: 'string', priority: 'long' }) },
  },
  bridges: {
    Bridge: { properties: props({ id: 'string', technology: 'string', bridge_type: 'string', name: 'string', channels: 'List[string]' }) },
  },
  playbacks: { Playback: { properties: props({ id: 'string', media_uri: 'string', target_uri: 'string', state: 'string' }) } },
  events: {
    Message: { properties: props({ type: 'string' }) },
    StasisStart: event({ args: 'List[string]', channel: 'Channel', replace_channel: 'Channel' }),
    StasisEnd: event({ channel: 'Channel' }),
    ChannelStateChange: event({ channel: 'Channel' }),
    ChannelDtmfReceived: event({ digit: 'string', duration_ms: 'int', channel: 'Channel' }),
    ChannelHangupRequest: event({ cause: 'int', soft: 'boolean', channel: 'Channel' }),
    ChannelDestroyed: event({ cause: 'int', cause_txt: 'string', channel: 'Channel' }),
    ChannelEnteredBridge: event({ bridge: 'Bridge', channel: 'Channel' }),
    ChannelLeftBridge: event({ bridge: 'Bridge', channel: 'Channel' }),
    PlaybackStarted: event({ playback: 'Playback' }),
    PlaybackFinished: event({ playback: 'Playback' }),
  },
};

function apiDeclaration(resource: string, base: string) {
  const byPath = new Map<string, Operation[]>();
  for (const op of operations[resource]!) byPath.set(op[1], [...(byPath.get(op[1]) ?? []), op]);
  return {
    apiVersion: '2.0.0',
    swaggerVersion: '1.2',
    basePath: base,
    resourcePath: `/api-docs/${resource}.{format}`,
    apis: [...byPath].map(([path, ops]) => ({
      path,
      operations: ops.map(([httpMethod, , nickname, responseClass, params]) => ({
        httpMethod,
        nickname,
        responseClass,
        parameters: params.map(([name, paramType, dataType, required = false]) => ({
          name,
          paramType,
          dataType,
          required,
          allowMultiple: false,
        })),
      })),
    })),
    models: Object.fromEntries(Object.entries(models[resource]!).map(([k, m]) => [k, { id: k, ...m }])),
  };
}

const matches = (path: RegExp | string, p: string) => (typeof path === 'string' ? path === p : path.test(p));

export async function startAriStandIn({
  username,
  password,
  app,
}: {
  username: string;
  password: string;
  app: string;
}): Promise<AriStandIn> {
  const sockets = new Set<WebSocket>();
  type Waiter = {
    method: string;
    path: RegExp | string;
    from: number;
    where: (r: AriRequest) => boolean;
    resolve: (r: AriRequest) => void;
  };
  const waiters: Waiter[] = [];
  const fits = (w: Omit<Waiter, 'resolve' | 'from'>, r: AriRequest) => w.method === r.method && matches(w.path, r.path) && w.where(r);
  const refusals: { method: string; path: RegExp; status: number; message: string; where: (r: AriRequest) => boolean }[] = [];
  const playbacks = new Map<string, string>(); // playback → channel
  let refuseConnections = 0;
  let nextPlayback = 1;

  const send = (type: string, fields: Record<string, unknown>) => {
    const message = JSON.stringify({
      type,
      application: app,
      timestamp: new Date().toISOString(),
      asterisk_id: '00:00:00:00:00:01',
      ...fields,
    });
    for (const s of sockets) s.send(message);
  };
  const snapshot = (c: AriChannel & { inStasis?: boolean; args?: string[] }): AriChannel => {
    const { inStasis: _s, args: _a, ...rest } = c;
    return rest;
  };
  const authorised = (req: IncomingMessage, query: URLSearchParams) =>
    req.headers.authorization === `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` ||
    query.get('api_key') === `${username}:${password}`;
  const destroy = (c: AriChannel & { inStasis: boolean }, cause: number) => {
    stand.channels.delete(c.id);
    for (const b of stand.bridges.values()) b.channels = b.channels.filter((x) => x !== c.id);
    if (c.inStasis) send('StasisEnd', { channel: snapshot(c) });
    send('ChannelDestroyed', { cause, cause_txt: causeText[cause] ?? 'Unknown', channel: snapshot(c) });
  };

  const rest = (method: string, path: string, query: Record<string, string>, res: ServerResponse) => {
    const channelOf = (cid: string) => stand.channels.get(decodeURIComponent(cid));
    const notFound = (what: string) => answer(res, 404, { message: `${what} not found` });
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/asterisk/info')
      return answer(res, 200, { system: { version: 'stand-in', entity_id: '00:00:00:00:00:01' } });
    if (method === 'GET' && path === '/channels') return answer(res, 200, [...stand.channels.values()].map(snapshot));
    if (method === 'POST' && path === '/channels') {
      if (!query.endpoint) return answer(res, 400, { message: 'Endpoint must be specified' });
      const cid = query.channelId ?? `stand-in-${Date.now()}.${stand.channels.size}`;
      if (stand.channels.has(cid)) return answer(res, 409, { message: 'Channel with given unique ID already exists' });
      const number = query.endpoint.split('/').at(-1)!.split('@')[0]!;
      const channel = {
        id: cid,
        name: `${query.endpoint}-0000000${stand.channels.size}`,
        state: 'Down' as const,
        caller: { name: '', number: query.callerId ?? '' },
        connected: { name: '', number },
        accountcode: '',
        dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
        creationtime: new Date().toISOString(),
        language: 'it',
        inStasis: false,
        args: query.appArgs ? query.appArgs.split(',') : [],
      };
      stand.channels.set(cid, channel);
      return answer(res, 200, snapshot(channel));
    }
    if ((m = path.match(/^\/channels\/([^/]+)$/))) {
      const c = channelOf(m[1]!);
      if (!c) return notFound('Channel');
      if (method === 'GET') return answer(res, 200, snapshot(c));
      if (method === 'DELETE') {
        const reason = query.reason ?? 'normal';
        res.writeHead(204).end();
        return destroy(c, reason === 'busy' ? 17 : reason === 'congestion' ? 34 : 16);
      }
    }
    if ((m = path.match(/^\/channels\/([^/]+)\/(answer|play|continue)$/)) && method === 'POST') {
      const c = channelOf(m[1]!);
      if (!c) return notFound('Channel');
      if (!c.inStasis) return answer(res, 409, { message: 'Channel not in Stasis application' });
      if (m[2] === 'answer') {
        res.writeHead(204).end();
        if (c.state !== 'Up') {
          c.state = 'Up';
          send('ChannelStateChange', { channel: snapshot(c) });
        }
        return;
      }
      if (m[2] === 'play') {
        const pid = query.playbackId ?? `playback-${nextPlayback++}`;
        playbacks.set(pid, c.id);
        const playback = { id: pid, media_uri: query.media, target_uri: `channel:${c.id}`, state: 'queued', language: 'it' };
        answer(res, 201, playback);
        return send('PlaybackStarted', { playback: { ...playback, state: 'playing' } });
      }
      // continue: the channel leaves the application for the dialplan.
      res.writeHead(204).end();
      c.inStasis = false;
      return send('StasisEnd', { channel: snapshot(c) });
    }
    if ((m = path.match(/^\/playbacks\/([^/]+)$/)) && method === 'DELETE') {
      if (!playbacks.delete(decodeURIComponent(m[1]!))) return notFound('Playback');
      return res.writeHead(204).end();
    }
    if (method === 'POST' && (path === '/bridges' || (m = path.match(/^\/bridges\/([^/]+)$/)))) {
      const bid = (m?.[1] && decodeURIComponent(m[1])) || query.bridgeId || `bridge-${stand.bridges.size + 1}`;
      const bridge = stand.bridges.get(bid) ?? { id: bid, bridge_type: query.type ?? 'mixing', name: query.name ?? '', channels: [] };
      stand.bridges.set(bid, bridge);
      return answer(res, 200, { ...bridge, technology: 'simple_bridge' });
    }
    if ((m = path.match(/^\/bridges\/([^/]+)(?:\/(addChannel|removeChannel|moh))?$/))) {
      const bridge = stand.bridges.get(decodeURIComponent(m[1]!));
      if (!bridge) return notFound('Bridge');
      if (method === 'DELETE' && !m[2]) {
        stand.bridges.delete(bridge.id);
        return res.writeHead(204).end();
      }
      if (m[2] === 'moh') return res.writeHead(204).end();
      const c = query.channel ? stand.channels.get(query.channel) : undefined;
      if (!c) return answer(res, 400, { message: 'Channel not found' });
      if (m[2] === 'addChannel') {
        if (!c.inStasis) return answer(res, 422, { message: 'Channel not in Stasis application' });
        // A channel is in one bridge at a time: adding it elsewhere moves it.
        for (const b of stand.bridges.values()) b.channels = b.channels.filter((x) => x !== c.id);
        bridge.channels.push(c.id);
        res.writeHead(204).end();
        return send('ChannelEnteredBridge', { bridge: { ...bridge, technology: 'simple_bridge' }, channel: snapshot(c) });
      }
      if (!bridge.channels.includes(c.id)) return answer(res, 422, { message: 'Channel not in this bridge' });
      bridge.channels = bridge.channels.filter((x) => x !== c.id);
      return res.writeHead(204).end();
    }
    return answer(res, 404, { message: 'Resource not found' });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (!authorised(req, url.searchParams)) return answer(res, 401, { message: 'Authentication required' });
    const base = `http://${req.headers.host}/ari`;
    const doc = url.pathname.match(/^\/ari\/api-docs\/(\w+)\.json$/);
    if (req.method === 'GET' && url.pathname === '/ari/api-docs/resources.json')
      return answer(res, 200, {
        apiVersion: '2.0.0',
        swaggerVersion: '1.2',
        basePath: base,
        apis: Object.keys(operations).map((r) => ({ path: `/api-docs/${r}.{format}`, description: `${r} resources` })),
      });
    if (req.method === 'GET' && doc)
      return operations[doc[1]!] ? answer(res, 200, apiDeclaration(doc[1]!, base)) : answer(res, 404, { message: 'Not found' });
    if (!url.pathname.startsWith('/ari/')) return answer(res, 404, { message: 'Not found' });
    const path = url.pathname.slice(4);
    const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'api_key'));
    const request = { method: req.method ?? 'GET', path, query };
    stand.requests.push(request);
    const index = stand.requests.length - 1;
    for (const w of waiters.splice(0))
      if (index >= w.from && fits(w, request)) w.resolve(request);
      else waiters.push(w);
    const refusal = refusals.findIndex((r) => r.method === request.method && r.path.test(path) && r.where(request));
    if (refusal >= 0) {
      const [r] = refusals.splice(refusal, 1);
      return answer(res, r!.status, { message: r!.message });
    }
    // ari-client sends the body it was given (originate's variables) as JSON; nothing used here reads it.
    req.resume();
    req.on('end', () => rest(request.method, path, query, res));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (
      url.pathname !== '/ari/events' ||
      url.searchParams.get('app') !== app ||
      !authorised(req, url.searchParams) ||
      refuseConnections > 0
    ) {
      if (refuseConnections > 0) refuseConnections--;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      stand.connections++;
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const stand: AriStandIn = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: [],
    channels: new Map(),
    bridges: new Map(),
    connections: 0,
    made: (method, path, from = 0) => stand.requests.slice(from).filter((r) => r.method === method && matches(path, r.path)),
    next: (method, path, from = stand.requests.length, where = () => true) => {
      const done = stand.requests.slice(from).find((r) => fits({ method, path, where }, r));
      return done ? Promise.resolve(done) : new Promise((resolve) => waiters.push({ method, path, from, where, resolve }));
    },
    refuse: (method, path, status, message, where = () => true) => void refusals.push({ method, path, status, message, where }),
    inbound: ({ id: cid, caller, exten }) => {
      const channel = {
        id: cid,
        name: `PJSIP/trunk-0000${stand.channels.size}`,
        state: 'Ring' as const,
        caller: { name: '', number: caller },
        connected: { name: '', number: '' },
        accountcode: '',
        dialplan: { context: 'from-trunk', exten, priority: 2, app_name: 'Stasis', app_data: app },
        creationtime: new Date().toISOString(),
        language: 'it',
        inStasis: true,
        args: [],
      };
      stand.channels.set(cid, channel);
      send('StasisStart', { args: [], channel: snapshot(channel) });
      return snapshot(channel);
    },
    answerOriginated: (cid) => {
      const c = stand.channels.get(cid)!;
      c.state = 'Up';
      send('ChannelStateChange', { channel: snapshot(c) });
      c.inStasis = true;
      send('StasisStart', { args: c.args, channel: snapshot(c) });
    },
    event: (type, cid, fields = {}) => send(type, { ...fields, channel: snapshot(stand.channels.get(cid)!) }),
    hangup: (cid, cause, { withEvents = true } = {}) => {
      const c = stand.channels.get(cid)!;
      if (!withEvents) {
        stand.channels.delete(cid);
        return;
      }
      send('ChannelHangupRequest', { cause, channel: snapshot(c) });
      destroy(c, cause);
    },
    dropWebSockets: (refuseFor = 0) => {
      refuseConnections = refuseFor;
      for (const s of sockets) s.terminate();
    },
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return stand;
}
