package dev.enrich.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shared cost check catches what it must and lets ordinary text and script syntax through. */
class CostWordingTest {

    @Test
    void catchesMoneyTokensAndCurrency() {
        for (String text : new String[] {"This retry costs more.", "Price: 3", "1,200 tokens used", "USD",
                "You spent a lot", "$", "€", "5 €", "Budget reached", "No charges apply"}) {
            assertThat(CostWording.in(text)).as(text).isNotEmpty();
        }
        assertThat(CostWording.inCode("const label = `Total: $4`;")).isNotEmpty();
    }

    @Test
    void letsOrdinaryTextAndTemplateLiteralsThrough() {
        assertThat(CostWording.in("Couldn't reach the AI service. Retrying in 4s... ~3 minutes remaining")).isEmpty();
        assertThat(CostWording.in("The job was suspended and resumed.")).isEmpty();
        assertThat(CostWording.inCode("el.textContent = `${done} of ${total} done`;")).isEmpty();
    }
}
