package dev.enrich.stage.summary;

/**
 * Hold one sentence of the text to summarise.
 *
 * @param text the sentence, whitespace collapsed, list markers removed
 * @param task true when the layout marks it as a task: an open checkbox, or a line under an "Action items" or
 *     "Next steps" heading
 */
record Sentence(String text, boolean task) {}
