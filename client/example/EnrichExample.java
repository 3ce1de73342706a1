import dev.enrich.client.Credentials;
import dev.enrich.client.EnrichApiException;
import dev.enrich.client.EnrichClient;
import dev.enrich.client.EnrichOptions;
import dev.enrich.client.EnrichmentResult;
import dev.enrich.client.JobEvent;
import dev.enrich.client.JobRef;
import dev.enrich.client.NewSession;
import dev.enrich.client.SessionRef;
import dev.enrich.client.Stage;
import java.nio.file.Path;

/** Upload a session, follow its enrichment live and print its summary. */
public class EnrichExample {

    public static void main(String[] args) {
        String baseUrl = args.length > 0 ? args[0] : "http://localhost:8080";
        EnrichClient enrich = EnrichClient.create(baseUrl, Credentials.apiKey(System.getenv("ENRICH_API_KEY")));

        NewSession.Builder upload = NewSession.builder("Checkout review")
                .notes("We reviewed the checkout redesign. The payment form is too long. "
                        + "TODO: ask design for a one-page layout. I'll follow up with payments on Friday.");
        if (args.length > 1) {
            upload.audio(Path.of(args[1])); // a WAV or MP3 recording, streamed from disk
        }
        try {
            SessionRef session = enrich.createSession(upload.build()).block();
            JobRef job = enrich.enrich(session.id(), EnrichOptions.stages(Stage.AUDIO, Stage.SUMMARY)).block();

            // Live events: a snapshot first, then stage and progress events; ends after the job's last event.
            // A dropped connection is resumed where it stopped, with no event lost or repeated.
            enrich.events(job.id()).doOnNext(event -> {
                if (event instanceof JobEvent.Progress progress) {
                    System.out.printf("%3.0f%% %s%n", progress.progress() * 100, progress.message());
                } else if (event instanceof JobEvent.Ended ended) {
                    System.out.println("Job " + ended.state().id() + ": " + ended.message());
                } else {
                    System.out.println(event.message());
                }
            }).blockLast();

            EnrichmentResult result = enrich.awaitResult(job.id()).block();
            result.summary().ifPresent(summary -> {
                System.out.println("Title: " + summary.title());
                System.out.println(summary.summary());
                summary.actionItems().forEach(item -> System.out.println("- " + item));
            });
        } catch (EnrichApiException e) {
            // Error answers are typed (NotFoundException, TooManyRequestsException, ...) with the service's words.
            System.err.println(e.status() + " " + e.detail()
                    + e.retryAfter().map(wait -> " (try again in " + wait.toSeconds() + " s)").orElse(""));
            System.exit(1);
        }
    }
}
