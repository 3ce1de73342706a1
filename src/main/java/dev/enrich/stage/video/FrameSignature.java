package dev.enrich.stage.video;

/**
 * Summarise one sampled frame for comparison: a {@value #GRID_W}×{@value #GRID_H} grid of mean luma, a
 * {@value #BINS}-bin luma histogram and a 64-bit difference hash. Immutable.
 */
final class FrameSignature {

    static final int GRID_W = 72;
    static final int GRID_H = 48;
    static final int BINS = 32;

    // A hash bit is set only when the left block is clearly brighter, so codec noise on flat areas flips nothing.
    private static final float HASH_DEAD_BAND = 4f;
    private static final double HIST_WEIGHT = 0.5;
    private static final double HIST_GAIN = 2;
    private static final double HASH_WEIGHT = 0.25;
    private static final double DIFF_WEIGHT = 0.25;
    private static final double DIFF_GAIN = 4;
    // Video black (limited range), the origin of fades.
    private static final double BLACK = 16;

    private final float[] grid;
    private final float[] histogram;
    private final long hash;

    private FrameSignature(float[] grid, float[] histogram, long hash) {
        this.grid = grid;
        this.histogram = histogram;
        this.hash = hash;
    }

    /**
     * Summarise a luma plane whose bytes hold {@code luma - 128} (jcodec's layout).
     *
     * @param offset index of the top-left visible pixel
     * @param stride bytes per plane row
     */
    static FrameSignature ofPlane(byte[] plane, int offset, int stride, int width, int height) {
        return ofPlane(plane, offset, stride, width, height, 1);
    }

    /**
     * Summarise a luma plane like {@link #ofPlane(byte[], int, int, int, int)}, reading only every {@code step}-th
     * pixel of every {@code step}-th row (large frames: the grid cells still average hundreds of pixels).
     */
    static FrameSignature ofPlane(byte[] plane, int offset, int stride, int width, int height, int step) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame must be at least 1x1, but was " + width + "x" + height);
        }
        int[] column = new int[width];
        int[] cellWidth = new int[GRID_W];
        for (int x = 0; x < width; x += step) {
            column[x] = (int) ((long) x * GRID_W / width);
            cellWidth[column[x]]++;
        }
        long[] sums = new long[GRID_W * GRID_H];
        int[] rows = new int[GRID_H];
        long[] bins = new long[BINS];
        long pixels = 0;
        for (int y = 0; y < height; y += step) {
            int row = (int) ((long) y * GRID_H / height);
            rows[row]++;
            int base = row * GRID_W;
            int p = offset + y * stride;
            for (int x = 0; x < width; x += step) {
                int v = plane[p + x] + 128;
                sums[base + column[x]] += v;
                bins[v >> 3]++;
            }
            pixels += (width + step - 1) / step;
        }
        float[] grid = new float[GRID_W * GRID_H];
        for (int r = 0; r < GRID_H; r++) {
            for (int c = 0; c < GRID_W; c++) {
                long n = (long) rows[r] * cellWidth[c];
                // A frame smaller than the grid leaves cells empty; borrow the neighbour above or to the left.
                grid[r * GRID_W + c] = n > 0 ? sums[r * GRID_W + c] / (float) n
                        : c > 0 ? grid[r * GRID_W + c - 1] : r > 0 ? grid[(r - 1) * GRID_W] : 0f;
            }
        }
        float[] histogram = new float[BINS];
        for (int i = 0; i < BINS; i++) {
            histogram[i] = (float) (bins[i] / (double) pixels);
        }
        return new FrameSignature(grid, histogram, dHash(grid));
    }

    // 9×8 blocks of the grid; bit (r, c) says block c is clearly brighter than block c + 1 in row r.
    private static long dHash(float[] grid) {
        int bw = GRID_W / 9;
        int bh = GRID_H / 8;
        float[] blocks = new float[9 * 8];
        for (int r = 0; r < GRID_H; r++) {
            for (int c = 0; c < GRID_W; c++) {
                blocks[(r / bh) * 9 + c / bw] += grid[r * GRID_W + c];
            }
        }
        long hash = 0;
        float area = bw * bh;
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                if ((blocks[r * 9 + c] - blocks[r * 9 + c + 1]) / area > HASH_DEAD_BAND) {
                    hash |= 1L << (r * 8 + c);
                }
            }
        }
        return hash;
    }

    /** Return the 64-bit difference hash. */
    long hash() {
        return hash;
    }

    /** Return the mean absolute luma difference to {@code other}, 0..1: the motion between the two frames. */
    double meanAbsDifference(FrameSignature other) {
        double sum = 0;
        for (int i = 0; i < grid.length; i++) {
            sum += Math.abs(grid[i] - other.grid[i]);
        }
        return sum / grid.length / 255.0;
    }

    /**
     * Return the earth mover's distance between the luma histograms, 0..1: how far, in brightness, the pixels had
     * to move. Unlike a bin-by-bin distance, a slight brightness drift (codec key frames) costs little.
     */
    double histogramDistance(FrameSignature other) {
        double sum = 0;
        double cumulative = 0;
        for (int i = 0; i < BINS - 1; i++) {
            cumulative += histogram[i] - other.histogram[i];
            sum += Math.abs(cumulative);
        }
        return Math.min(1, sum / (BINS - 1));
    }

    /**
     * Return how much the picture changed from {@code other}, 0..1, for consecutive video frames: the blend of
     * {@link #distance} without the hash, whose bits flip all at once when sharp edges in motion cross its blocks.
     */
    double change(FrameSignature other) {
        return 0.5 * Math.min(1, HIST_GAIN * histogramDistance(other))
                + 0.5 * Math.min(1, DIFF_GAIN * meanAbsDifference(other));
    }

    /**
     * Return how far this frame is from being a mix of {@code a} and {@code b} (a dissolve between them, or a fade of
     * either to or from black): fit {@code this ≈ α·a + β·b} (luma above black) by least squares on the grid and
     * return {@code {α, β, residual}}, the residual relative to how much {@code a} and {@code b} differ. Moving
     * content (scrolling, zooming) leaves a large residual; a frame of a dissolve or fade a small one.
     */
    double[] mixOf(FrameSignature a, FrameSignature b) {
        double aa = 0;
        double ab = 0;
        double bb = 0;
        double am = 0;
        double bm = 0;
        for (int i = 0; i < grid.length; i++) {
            double x = a.grid[i] - BLACK;
            double y = b.grid[i] - BLACK;
            double m = grid[i] - BLACK;
            aa += x * x;
            ab += x * y;
            bb += y * y;
            am += x * m;
            bm += y * m;
        }
        double det = aa * bb - ab * ab;
        if (det <= 1e-6 * aa * bb) {
            return new double[] {1, 0, Double.POSITIVE_INFINITY};
        }
        double alpha = (am * bb - bm * ab) / det;
        double beta = (bm * aa - am * ab) / det;
        double residual = 0;
        double spread = 0;
        for (int i = 0; i < grid.length; i++) {
            double x = a.grid[i] - BLACK;
            double y = b.grid[i] - BLACK;
            residual += Math.abs(grid[i] - BLACK - alpha * x - beta * y);
            spread += Math.abs(x - y);
        }
        return new double[] {alpha, beta, spread > 0 ? residual / spread : Double.POSITIVE_INFINITY};
    }

    /** Return the share of differing hash bits, 0..1. */
    double hashDistance(FrameSignature other) {
        return Long.bitCount(hash ^ other.hash) / 64.0;
    }

    /**
     * Return how different two frames look, 0..1: a weighted blend of (amplified, capped) histogram distance, hash
     * distance and (amplified, capped) mean absolute difference. Each part alone is fooled by something (same
     * colours, flat frames, small shifts); together they separate cuts (about 0.7..0.9 on the test scenes) from
     * cursor blinks and scrolling (below 0.04).
     */
    double distance(FrameSignature other) {
        return HIST_WEIGHT * Math.min(1, HIST_GAIN * histogramDistance(other)) + HASH_WEIGHT * hashDistance(other)
                + DIFF_WEIGHT * Math.min(1, DIFF_GAIN * meanAbsDifference(other));
    }
}
