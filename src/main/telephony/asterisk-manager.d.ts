/** The part of asterisk-manager (no types of its own) the AMI adapter uses. */
declare module 'asterisk-manager' {
  export type AmiMessage = Record<string, string | string[] | Record<string, string> | undefined>;
  export interface AsteriskManager {
    on(event: 'managerevent', listener: (event: AmiMessage) => void): void;
    on(event: 'connect' | 'close' | 'end', listener: () => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    on(event: string, listener: (...args: never[]) => void): void;
    removeAllListeners(event?: string): void;
    keepConnected(): void;
    isConnected(): boolean;
    disconnect(callback?: () => void): void;
  }
  function Manager(port: number, host: string, username: string, password: string, events: boolean): AsteriskManager;
  export default Manager;
}
