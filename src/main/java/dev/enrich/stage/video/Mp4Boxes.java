package dev.enrich.stage.video;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** Read an MP4's top-level boxes and its movie header, skipping media data without reading it. */
final class Mp4Boxes {

    private Mp4Boxes() {}

    static Map<String, Object> describe(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", "mp4");
        boolean sawFtyp = false;
        while (true) {
            long size;
            String type;
            try {
                size = in.readInt() & 0xffffffffL;
                type = fourcc(in.readInt());
            } catch (EOFException end) {
                break;
            }
            long header = 8;
            if (size == 1) {
                size = in.readLong();
                header = 16;
            }
            if (!sawFtyp && !type.equals("ftyp")) {
                throw new IOException("not an MP4 file");
            }
            sawFtyp = true;
            if (type.equals("moov")) {
                readMoov(in, size == 0 ? Long.MAX_VALUE : size - header, out);
                continue;
            }
            if (size == 0) {
                break;
            }
            skip(in, size - header);
        }
        if (!sawFtyp) {
            throw new IOException("not an MP4 file");
        }
        return out;
    }

    private static void readMoov(DataInputStream in, long length, Map<String, Object> out) throws IOException {
        long read = 0;
        int tracks = 0;
        while (read < length) {
            long size = in.readInt() & 0xffffffffL;
            String type = fourcc(in.readInt());
            if (size < 8) {
                throw new IOException("corrupt MP4 box");
            }
            if (type.equals("mvhd")) {
                int version = in.readUnsignedByte();
                skip(in, 3);
                long timescale;
                long duration;
                if (version == 1) {
                    skip(in, 16);
                    timescale = in.readInt() & 0xffffffffL;
                    duration = in.readLong();
                    skip(in, size - 8 - 4 - 16 - 4 - 8);
                } else {
                    skip(in, 8);
                    timescale = in.readInt() & 0xffffffffL;
                    duration = in.readInt() & 0xffffffffL;
                    skip(in, size - 8 - 4 - 8 - 4 - 4);
                }
                if (timescale > 0) {
                    out.put("durationSeconds", duration / (double) timescale);
                }
            } else {
                if (type.equals("trak")) {
                    tracks++;
                }
                skip(in, size - 8);
            }
            read += size;
        }
        out.put("tracks", tracks);
    }

    private static void skip(DataInputStream in, long n) throws IOException {
        if (n < 0) {
            throw new IOException("corrupt MP4 box");
        }
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("truncated MP4");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String fourcc(int v) {
        return new String(new char[] {(char) ((v >> 24) & 0xff), (char) ((v >> 16) & 0xff),
                (char) ((v >> 8) & 0xff), (char) (v & 0xff)});
    }
}
