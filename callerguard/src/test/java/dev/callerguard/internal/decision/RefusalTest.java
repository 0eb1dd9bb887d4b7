package dev.callerguard.internal.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RefusalTest {

    @Test
    void idsAreUnique() {
        assertThat(Arrays.stream(Refusal.values()).map(Refusal::id)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void idStartsWithCgAndTheStatusOfItsKind(Refusal refusal) {
        assertThat(refusal.id()).startsWith("CG" + refusal.kind().status() + "-");
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void idIsUpperCaseLettersDigitsAndHyphens(Refusal refusal) {
        assertThat(refusal.id()).matches("CG[0-9]{3}(-[A-Z0-9]+)+");
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void descriptionIsAShortSentence(Refusal refusal) {
        assertThat(refusal.description()).isNotBlank().hasSizeLessThanOrEqualTo(120).endsWith(".");
    }

    @Test
    void onlyAllowlistRefusalsAreForbidden() {
        Set<Refusal> forbidden = Arrays.stream(Refusal.values())
                .filter(refusal -> refusal.kind() == RefusalKind.INSUFFICIENT_SCOPE)
                .collect(Collectors.toSet());

        assertThat(forbidden).isEqualTo(
                EnumSet.of(Refusal.CALLER_TYPE, Refusal.CALLER_NOT_ALLOWED, Refusal.APP_NOT_ALLOWED,
                        Refusal.ROLE_MISSING, Refusal.SCOPE_MISSING));
    }

    @Test
    void onlyMissingCredentialsGetTheChallengeWithoutError() {
        assertThat(Arrays.stream(Refusal.values()).filter(refusal -> refusal.kind() == RefusalKind.NO_CREDENTIALS))
                .containsExactly(Refusal.NO_CREDENTIALS);
    }
}
