package dev.enrich.stage.video;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A labelled set of screen-recording-like clips made with ffmpeg (lavfi sources, libx264), whose scene cuts are known
 * by construction.
 *
 * <p>What counts as a cut, as a person watching the recording would say: a hard cut (including to and from a flat,
 * single-colour frame such as a blank screen or a plain slide, held at least a second) at the first frame of the new
 * scene; a dissolve or a fade through black of at most a second counts once, at its midpoint. Not cuts: scrolling,
 * zooming and panning however fast, a pointer moving over a still screen, and scene changes of a small video playing
 * inside the recording (an inset of at most a quarter of the frame's area): the recording itself did not cut.
 */
final class SceneClips {

    /** How to encode: Baseline (no B-frames) or High with three B-frames, and where key frames go. */
    enum Profile {
        BASELINE("-profile:v", "baseline"),
        HIGH_BF3("-profile:v", "high", "-bf", "3");

        private final List<String> args;

        Profile(String... args) {
            this.args = List.of(args);
        }
    }

    /**
     * Describe one clip.
     *
     * @param name file name stem
     * @param shows what it shows, for the table
     * @param graph the ffmpeg filter graph ending in {@code [o]}, with {@code W}, {@code H} and {@code R} for the
     *     size and frame rate
     * @param cuts the labelled cut times in seconds
     * @param keysAtCuts whether key frames are forced onto the cuts (otherwise one every {@code gop} frames only)
     */
    record Clip(String name, String shows, int width, int height, int fps, Profile profile, int gop,
            boolean keysAtCuts, double seconds, String graph, List<Double> cuts) {

        String label() {
            return width + "x" + height + "@" + fps + " " + (profile == Profile.BASELINE ? "Baseline" : "High bf3")
                    + (keysAtCuts ? ", keys at cuts" : ", g=" + gop);
        }
    }

    private SceneClips() {}

    /** Return the labelled clips. */
    static List<Clip> all() {
        List<Clip> clips = new ArrayList<>();
        clips.add(concat("hard-cuts-baseline", "hard cuts between four still and moving scenes", 320, 180, 30,
                Profile.BASELINE, 30, false, List.of(scene(TESTSRC, 3.2), scene(BARS, 2.9), scene(page(1), 3.1),
                        scene(page(2), 2.8))));
        clips.add(concat("hard-cuts-high-between-keys", "hard cuts between key frames (2 s GOP)", 640, 360, 30,
                Profile.HIGH_BF3, 60, false, List.of(scene(page(3), 2.4), scene(TESTSRC, 3.3), scene(page(4), 2.5),
                        scene(BARS, 2.3))));
        clips.add(concat("hard-cuts-high-on-keys-60", "hard cuts on forced key frames, 60 fps", 640, 360, 60,
                Profile.HIGH_BF3, 240, true, List.of(scene(BARS, 3.0), scene(page(5), 3.5), scene(TESTSRC, 2.7))));
        clips.add(concat("flat-frames-high", "cuts to and from a blank white and a black screen", 640, 360, 30,
                Profile.HIGH_BF3, 120, false, List.of(scene(page(6), 2.6), scene(flat("white"), 1.5),
                        scene(TESTSRC, 2.4), scene(flat("black"), 1.2), scene(page(7), 2.5))));
        clips.add(concat("plain-slide-baseline-60", "slide with text, a plain slide of its colour, next slide", 320,
                180, 60, Profile.BASELINE, 120, false, List.of(scene(page(8), 2.5), scene(flat("white"), 2.0),
                        scene(page(9), 2.2), scene(flat("0x2050a0"), 1.6), scene(page(10), 2.0))));
        clips.add(new Clip("dissolve-high", "1 s dissolve and 1 s fade through black", 640, 360, 30,
                Profile.HIGH_BF3, 60, false, 10,
                "testsrc2=s=WxH:r=R:d=4[a];" + page(11, 4) + "[b];smptebars=s=WxH:r=R:d=4[c];"
                        + "[a][b]xfade=transition=fade:duration=1:offset=3[ab];"
                        + "[ab][c]xfade=transition=fadeblack:duration=1:offset=6,format=yuv420p[o]",
                List.of(3.5, 6.5)));
        clips.add(new Clip("scroll-slow-720", "a long page scrolling slowly, then faster; no cuts", 1280, 720, 30,
                Profile.HIGH_BF3, 60, false, 6,
                tallPage(12) + ",crop=W:H:0:'if(lt(t,3),t*40,120+(t-3)*300)',format=yuv420p[o]", List.of()));
        clips.add(new Clip("zoom-720", "a still page zooming in continuously; no cuts", 1280, 720, 30,
                Profile.HIGH_BF3, 60, false, 6,
                page(13, 6) + ",zoompan=z='1+0.012*in':x='iw/2-(iw/zoom/2)':y='ih/3-(ih/zoom/3)':d=1:s=WxH:fps=R,"
                        + "format=yuv420p[o]", List.of()));
        clips.add(new Clip("zoom-mandelbrot-cut", "a detailed fractal zooming fast, a cut mid-motion", 480, 270,
                30, Profile.HIGH_BF3, 90, false, 9,
                "mandelbrot=s=WxH:r=R,trim=duration=5,setpts=PTS-STARTPTS[a];" + page(14, 4) + ",zoompan=z='1+0.02*in':d=1:s=WxH:fps=R[b];[a][b]concat=n=2:v=1:a=0,format=yuv420p[o]",
                List.of(5.0)));
        clips.add(new Clip("inset-video", "a screen with a small video whose own scenes change; no cuts", 640, 360,
                30, Profile.HIGH_BF3, 60, false, 10,
                page(15, 10) + "[bg];testsrc2=s=160x90:r=R:d=2.5[v1];smptebars=s=160x90:r=R:d=2.5[v2];"
                        + "color=c=0xc03030:s=160x90:r=R:d=2.5[v3];mandelbrot=s=160x90:r=R,trim=duration=2.5,"
                        + "setpts=PTS-STARTPTS[v4];[v1][v2][v3][v4]concat=n=4:v=1:a=0[inset];"
                        + "[bg][inset]overlay=x=W*0.6:y=H*0.55,format=yuv420p[o]", List.of()));
        clips.add(new Clip("cursor-still-60", "a still screen with a moving pointer; no cuts", 640, 360, 60,
                Profile.HIGH_BF3, 120, false, 8,
                page(16, 8) + "[bg];color=c=black:s=10x16:r=R:d=8[p];"
                        + "[bg][p]overlay=x='W*0.5+W*0.3*sin(t*1.3)':y='H*0.5+H*0.3*cos(t*0.9)',format=yuv420p[o]",
                List.of()));
        clips.add(new Clip("screen-mixed-720-60", "scroll, cut, pointer, cut to blank, cut; 720p 60 fps", 1280, 720,
                60, Profile.HIGH_BF3, 120, false, 9,
                tallPage(17) + ",crop=W:H:0:'t*60',trim=duration=2.7,setpts=PTS-STARTPTS[a];" + page(18, 2.5)
                        + "[bg];color=c=black:s=12x20:r=R:d=2.5[p];[bg][p]overlay=x='W*0.2+t*200':y='H*0.4+t*40'[b];"
                        + "color=c=white:s=WxH:r=R:d=1.5[c];" + page(19, 2.3) + "[d];"
                        + "[a][b][c][d]concat=n=4:v=1:a=0,format=yuv420p[o]", List.of(2.7, 5.2, 6.7)));
        clips.add(concat("hard-cuts-baseline-60", "hard cuts at 60 fps between key frames", 640, 360, 60,
                Profile.BASELINE, 120, false, List.of(scene(page(20), 2.3), scene(BARS, 2.1), scene(page(21), 2.6))));
        clips.add(new Clip("zoom-out-pan-baseline", "zooming out and panning over a page; no cuts", 640, 360, 30,
                Profile.BASELINE, 60, false, 8,
                tallPage(22) + ",trim=duration=8,zoompan=z='max(1.8-0.01*in,1)':x='in*3':y='in*5':d=1:s=WxH:fps=R,"
                        + "format=yuv420p[o]", List.of()));
        // Added after tuning, not tuned on (a first check that the rules carry over).
        clips.add(new Clip("dissolve-pages-baseline-60", "0.5 s dissolve between two similar pages, 60 fps", 320, 180,
                60, Profile.BASELINE, 120, false, 7,
                page(23, 4) + "[a];" + page(24, 3.5) + "[b];[a][b]xfade=transition=fade:duration=0.5:offset=3.5,"
                        + "format=yuv420p[o]", List.of(3.75)));
        clips.add(new Clip("fast-scroll-cut", "a fast scroll, a cut to another fast scroll", 640, 360, 30,
                Profile.HIGH_BF3, 250, false, 7,
                tallPage(25) + ",crop=W:H:0:'t*150',trim=duration=3.3,setpts=PTS-STARTPTS[a];" + tallPage(26)
                        + ",crop=W:H:0:'t*150',trim=duration=3.7,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1:a=0,"
                        + "format=yuv420p[o]", List.of(3.3)));
        clips.add(new Clip("fade-to-plain-slide", "0.6 s fade to a plain white slide, then a cut to a page", 640, 360,
                30, Profile.HIGH_BF3, 250, false, 8,
                page(27, 3.6) + "[a];color=c=white:s=WxH:r=R:d=2.6[b];[a][b]xfade=transition=fade:duration=0.6:"
                        + "offset=3,format=yuv420p[ab];" + page(28, 2.8) + "[c];[ab][c]concat=n=2:v=1:a=0[o]",
                List.of(3.3, 5.6)));
        return clips;
    }

    /**
     * Make {@code clip} under {@code dir} with ffmpeg (if not there yet) and return its path.
     */
    static Path make(Clip clip, Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve(clip.name() + ".mp4");
        if (Files.exists(file)) {
            return file;
        }
        String graph = clip.graph().replace("WxH", clip.width() + "x" + clip.height())
                .replace("r=R", "r=" + clip.fps()).replace("fps=R", "fps=" + clip.fps())
                .replace("s=Wx4H", "s=" + clip.width() + "x" + 4 * clip.height())
                .replace("crop=W:H", "crop=" + clip.width() + ":" + clip.height());
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-filter_complex",
                graph, "-map", "[o]", "-t", fmt(clip.seconds()), "-c:v", "libx264", "-preset", "veryfast",
                "-pix_fmt", "yuv420p", "-g", String.valueOf(clip.gop()), "-sc_threshold", "0"));
        command.addAll(clip.profile().args);
        if (clip.keysAtCuts() && !clip.cuts().isEmpty()) {
            command.add("-force_key_frames");
            command.add(String.join(",", clip.cuts().stream().map(SceneClips::fmt).toList()));
        }
        Path partial = dir.resolve(clip.name() + ".part.mp4");
        command.add(partial.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed for " + clip.name() + ": " + out + "\n" + command);
        }
        Files.move(partial, file);
        return file;
    }

    /** Return true when ffmpeg with libx264 runs here. */
    static boolean ffmpegAvailable() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-encoders").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("libx264");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final String TESTSRC = "testsrc2=s=WxH:r=R{D}";
    private static final String BARS = "smptebars=s=WxH:r=R{D}";

    private record Scene(String source, double seconds) {}

    private static Scene scene(String source, double seconds) {
        return new Scene(source, seconds);
    }

    private static String flat(String colour) {
        return "color=c=" + colour + ":s=WxH:r=R{D}";
    }

    // Hard cuts: the scenes one after the other; a cut where each scene after the first starts.
    private static Clip concat(String name, String shows, int width, int height, int fps, Profile profile, int gop,
            boolean keysAtCuts, List<Scene> scenes) {
        StringBuilder graph = new StringBuilder();
        StringBuilder inputs = new StringBuilder();
        List<Double> cuts = new ArrayList<>();
        double at = 0;
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            if (i > 0) {
                cuts.add(Math.round(at * 1000) / 1000.0);
            }
            // Sources with a duration, trimmed so that every scene has a whole number of frames.
            graph.append(s.source().replace("{D}", ":d=" + fmt(s.seconds() + 1)))
                    .append(",trim=end_frame=").append(Math.round(s.seconds() * fps)).append("[s").append(i)
                    .append("];");
            inputs.append("[s").append(i).append(']');
            at += Math.round(s.seconds() * fps) / (double) fps;
        }
        graph.append(inputs).append("concat=n=").append(scenes.size()).append(":v=1:a=0,format=yuv420p[o]");
        return new Clip(name, shows, width, height, fps, profile, gop, keysAtCuts, at, graph.toString(), cuts);
    }

    // A document-like screen: a coloured title bar and lines of "text" (dark boxes) of varied length.
    static String page(int seed, double seconds) {
        return page(seed).replace("{D}", ":d=" + fmt(seconds));
    }

    // A document-like screen (with {D} for its duration): a coloured title bar and lines of "text".
    static String page(int seed) {
        String[] bars = {"0x2b579a", "0x217346", "0xb7472a", "0x6b2fa0", "0x333333", "0x0078d4"};
        StringBuilder g = new StringBuilder("color=c=white:s=WxH:r=R{D}");
        g.append(",drawbox=x=0:y=0:w=iw:h=ih*0.08:color=").append(bars[seed % bars.length]).append(":t=fill");
        for (int i = 0; i < 10; i++) {
            double frac = ((i * 37 + seed * 53) % 100) / 100.0;
            g.append(String.format(Locale.ROOT, ",drawbox=x=iw*%.3f:y=ih*%.3f:w=iw*%.3f:h=ih*0.03:color=0x%s:t=fill",
                    0.06 + 0.04 * (seed % 3), 0.14 + i * 0.08, 0.25 + 0.6 * frac, i % 4 == 0 ? "202020" : "505050"));
        }
        return g.toString();
    }

    // A page four screens tall with text lines all the way down, for scrolling.
    private static String tallPage(int seed) {
        StringBuilder g = new StringBuilder("color=c=0xfafafa:s=Wx4H:r=R:d=12");
        for (int i = 0; i < 60; i++) {
            double frac = ((i * 41 + seed * 29) % 100) / 100.0;
            String colour = i % 9 == 0 ? "0x2b579a" : "0x404040";
            g.append(String.format(Locale.ROOT, ",drawbox=x=iw*0.08:y=ih*%.4f:w=iw*%.3f:h=ih*%.4f:color=%s:t=fill",
                    0.01 + i * 0.0165, 0.2 + 0.7 * frac, i % 9 == 0 ? 0.012 : 0.006, colour));
        }
        return g.toString();
    }

    private static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }
}
