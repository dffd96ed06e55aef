"""RFC 6455 frames: as much as bench/ws_fanout.py's clients and bare server need."""

from __future__ import annotations

import os

TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def encode(payload: bytes, opcode: int = TEXT, *, masked: bool) -> bytes:
    """One final frame. Clients mask what they send; servers do not."""
    size = len(payload)
    if size < 126:
        length = bytes([size])
    elif size < 1 << 16:
        length = bytes([126]) + size.to_bytes(2, "big")
    else:
        length = bytes([127]) + size.to_bytes(8, "big")
    if not masked:
        return bytes([0x80 | opcode]) + length + payload
    mask = os.urandom(4)
    hidden = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | length[0]]) + length[1:] + mask + hidden


def decode(buffer: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """The whole frames at the start of ``buffer`` — (first byte, unmasked payload)
    each, the first byte holding the opcode and the compression bit — and the rest."""
    frames = []
    while len(buffer) >= 2:
        second = buffer[1]
        length, offset = second & 0x7F, 2
        if length == 126:
            length, offset = int.from_bytes(buffer[2:4], "big"), 4
        elif length == 127:
            length, offset = int.from_bytes(buffer[2:10], "big"), 10
        mask_at, offset = offset, offset + (4 if second & 0x80 else 0)
        if len(buffer) < offset + length:  # also when the length is not all here
            break
        payload = buffer[offset : offset + length]
        if second & 0x80:
            mask = buffer[mask_at:offset]
            payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        frames.append((buffer[0], payload))
        buffer = buffer[offset + length :]
    return frames, buffer
