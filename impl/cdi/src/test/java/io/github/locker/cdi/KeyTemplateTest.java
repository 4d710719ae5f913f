package io.github.locker.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyTemplateTest {

    @Test
    void placeholdersByNameAndByPositionTakeTheCallsArguments() {
        assertThat(KeyTemplate.parse("checkin:{uid}:{day}").render(new Object[] {42, "2026-12-01"}, List.of("uid", "day")))
                .isEqualTo("checkin:42:2026-12-01");
        assertThat(KeyTemplate.parse("order:{1}").render(new Object[] {"ignored", 7}, List.of("a", "b")))
                .isEqualTo("order:7");
    }

    @Test
    void doubledBracesAreLiteralBraces() {
        KeyTemplate template = KeyTemplate.parse("{{tenant}}:{id}");
        assertThat(template.arguments()).hasSize(1);
        assertThat(template.render(new Object[] {5}, List.of("id"))).isEqualTo("{tenant}:5");
    }

    @Test
    void aMalformedTemplateSaysWhereAndHowToFixIt() {
        assertThatThrownBy(() -> KeyTemplate.parse("a}b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'}' at position 1 closes nothing (write }} for a literal brace)");
        assertThatThrownBy(() -> KeyTemplate.parse("job:{uid")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'{' at position 4 is never closed");
        assertThatThrownBy(() -> KeyTemplate.parse("job:{}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("placeholder at position 4 must name a parameter, e.g. {uid}, {0} or {user.id}");
        assertThatThrownBy(() -> KeyTemplate.parse("job:{user..id}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must name a parameter");
    }
}
