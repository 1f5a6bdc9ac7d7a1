import { describe, expect, it } from 'vitest';
import { ExpositionError } from '../../src/index.ts';

describe('ExpositionError', () => {
  it('says where and what', () => {
    const error = new ExpositionError(3, 12, 'expected "=" after the label name, got "}"');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExpositionError');
    expect([error.line, error.column]).toEqual([3, 12]);
    expect(error.message).toBe('exposition: line 3, column 12: expected "=" after the label name, got "}"');
  });
});
