// The part of ari-client (2.x, untyped) the Stasis application uses: operations named as in ARI's
// Swagger documents, parameters as ARI names them; errors are Errors whose message is ARI's body.
declare module 'ari-client' {
  import type { EventEmitter } from 'node:events';

  export interface AriChannelJson {
    id: string;
    name: string;
    state: string;
    caller: { name: string; number: string };
    connected: { name: string; number: string };
    dialplan: { context: string; exten: string; priority: number };
  }
  type Params = Record<string, string | number | boolean | Record<string, string> | undefined>;
  type Call<T = void> = (params: Params) => Promise<T>;

  export interface AriClient extends EventEmitter {
    start(app: string): Promise<void>;
    stop(): void;
    asterisk: { getInfo: (params?: Params) => Promise<{ system?: { version?: string } }> };
    channels: {
      list: () => Promise<AriChannelJson[]>;
      originate: Call<AriChannelJson>;
      hangup: Call;
      answer: Call;
      play: Call<{ id: string }>;
      continueInDialplan: Call;
    };
    bridges: {
      createWithId: Call<{ id: string }>;
      create: Call<{ id: string }>;
      destroy: Call;
      addChannel: Call;
      removeChannel: Call;
      startMoh: Call;
    };
    playbacks: { stop: Call };
  }

  const ari: { connect(url: string, username: string, password: string): Promise<AriClient> };
  export default ari;
}
