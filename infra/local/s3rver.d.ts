/** The part of s3rver (the local S3 emulator, which ships no types) the local runtime uses. */
declare module 's3rver' {
  interface S3rverOptions {
    port: number;
    address: string;
    directory: string;
    silent?: boolean;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<unknown>;
    close(): Promise<void>;
  }
}
