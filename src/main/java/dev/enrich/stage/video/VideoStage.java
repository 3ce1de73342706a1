package dev.enrich.stage.video;

import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Analyse a session's screenshots (scene changes from luma histograms, one progress update per frame) or its MP4
 * container (duration and tracks from the {@code moov} box). Full H.264 decoding comes with the local processors.
 */
public final class VideoStage implements Stage {

    private static final double SCENE_CHANGE = 0.35;

    @Override
    public Optional<String> missingInput(StageContext context) {
        boolean any = !context.session().media(MediaKind.FRAMES).isEmpty()
                || context.session().first(MediaKind.VIDEO).isPresent();
        return any ? Optional.empty() : Optional.of("No video or screenshots in this session.");
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        List<MediaRef> frames = context.session().media(MediaKind.FRAMES);
        if (!frames.isEmpty()) {
            return frames(context, frames);
        }
        MediaRef video = context.session().first(MediaKind.VIDEO).orElseThrow();
        return Mono.fromCallable(() -> {
            try (InputStream in = context.media().open(video.key())) {
                return StageUpdate.done(StageResult.succeeded(StageName.VIDEO, Mp4Boxes.describe(in)));
            }
        }).flux();
    }

    private Flux<StageUpdate> frames(StageContext context, List<MediaRef> frames) {
        List<Integer> changes = new ArrayList<>();
        double[][] previous = new double[1][];
        return Flux.range(0, frames.size())
                .map(i -> {
                    double[] histogram = histogram(context, frames.get(i));
                    if (previous[0] != null && distance(previous[0], histogram) > SCENE_CHANGE) {
                        changes.add(i);
                    }
                    previous[0] = histogram;
                    return StageUpdate.progress((i + 1) / (double) frames.size(), "Analyzing video...");
                })
                .concatWith(Mono.fromSupplier(() -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("source", "frames");
                    out.put("frames", frames.size());
                    out.put("sceneChanges", List.copyOf(changes));
                    out.put("chapters", changes.size() + 1);
                    return StageUpdate.done(StageResult.succeeded(StageName.VIDEO, out));
                }));
    }

    private static double[] histogram(StageContext context, MediaRef ref) {
        BufferedImage image;
        try (InputStream in = context.media().open(ref.key())) {
            image = ImageIO.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable frame", e);
        }
        if (image == null) {
            throw new IllegalArgumentException("not an image: " + ref.fileName());
        }
        double[] bins = new double[16];
        int step = Math.max(1, Math.max(image.getWidth(), image.getHeight()) / 256);
        int n = 0;
        for (int y = 0; y < image.getHeight(); y += step) {
            for (int x = 0; x < image.getWidth(); x += step) {
                int rgb = image.getRGB(x, y);
                int luma = (299 * ((rgb >> 16) & 0xff) + 587 * ((rgb >> 8) & 0xff) + 114 * (rgb & 0xff)) / 1000;
                bins[luma >> 4]++;
                n++;
            }
        }
        for (int i = 0; i < bins.length; i++) {
            bins[i] /= Math.max(1, n);
        }
        return bins;
    }

    // Half the L1 distance: 0 for identical histograms, 1 for disjoint ones.
    private static double distance(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Math.abs(a[i] - b[i]);
        }
        return d / 2;
    }
}
