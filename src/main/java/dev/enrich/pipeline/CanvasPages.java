package dev.enrich.pipeline;

import dev.enrich.model.Canvas;

/** Render a canvas as a self-contained HTML page (port: the canvas stage package, which owns the template, offers it). */
public interface CanvasPages {

    /** Return the page: no scripts, no external assets; safe to run on an event loop (no I/O). */
    String render(Canvas canvas);

    /** Return the Content-Security-Policy the page must be served with. */
    String contentSecurityPolicy();
}
