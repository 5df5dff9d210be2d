package io.crm.notification;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MentionsTest {

    @Test
    void handlesAreTheEmailLocalPartsAfterAnAt() {
        assertThat(Mentions.in("Call back tomorrow, @Ana.Silva and @bo_k. Thanks @ana.silva!"))
                .containsExactly("ana.silva", "bo_k");
    }

    @Test
    void emailAddressesAndBareAtsAreNotMentions() {
        assertThat(Mentions.in("Mail ana@example.com or x.@y, @ alone, @@twice")).isEmpty();
        assertThat(Mentions.in(null)).isEmpty();
        assertThat(Mentions.in(42)).isEmpty();
    }

    @Test
    void anEditNotifiesOnlyTheNewlyMentioned() {
        assertThat(Mentions.added("hi @ana", "hi @ana and @bo")).containsExactly("bo");
        assertThat(Mentions.added(null, "@bo")).containsExactly("bo");
    }

    @Test
    void aTextMentionsAtMostTwentyPeople() {
        String many = String.join(" ",
                java.util.stream.IntStream.range(0, 50).mapToObj(i -> "@user" + i).toList());
        assertThat(Mentions.in(many)).hasSize(Mentions.MAX_PER_TEXT);
    }
}
