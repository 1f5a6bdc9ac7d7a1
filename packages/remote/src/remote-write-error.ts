/**
 * Why a write request was refused before anything was appended, with the HTTP status the
 * receiver answers (400 for a body that is not snappy or not a valid `WriteRequest`, 413 for
 * one over the size limit, 415 for a content type or encoding other than protocol 1.0's).
 */
export type RemoteWriteErrorCode =
  | 'snappy'
  | 'protobuf'
  | 'invalid-histogram'
  | 'too-large'
  | 'unsupported-media-type';

const STATUS: Record<RemoteWriteErrorCode, 400 | 413 | 415> = {
  snappy: 400,
  protobuf: 400,
  'invalid-histogram': 400,
  'too-large': 413,
  'unsupported-media-type': 415,
};

export class RemoteWriteError extends Error {
  override name = 'RemoteWriteError';
  readonly code: RemoteWriteErrorCode;

  constructor(code: RemoteWriteErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  get status(): 400 | 413 | 415 {
    return STATUS[this.code];
  }
}
