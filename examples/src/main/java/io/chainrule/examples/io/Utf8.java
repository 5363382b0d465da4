package io.chainrule.examples.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Strict UTF-8 decoding whose error names what was read and where the first bad byte is. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The text of {@code bytes}; malformed or unmappable input is an IOException "SOURCE is not
     * UTF-8 text: byte N (0xHH) does not start a UTF-8 character" (not the decoder's "Input length = 1").
     */
    public static String decode(byte[] bytes, String source) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = Math.min(in.position(), bytes.length - 1);
            throw new IOException(source + " is not UTF-8 text: byte " + at + " (0x" + HexFormat.of().toHexDigits(bytes[at])
                    + ") does not start a UTF-8 character", e);
        }
    }
}
