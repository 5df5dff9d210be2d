package io.crm.platform.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper every request body goes through, with structure limits enforced while parsing: nesting depth and
 * string length ({@code crm.limits.*}). A body past them is a 400 before anything is built from it. Boot's own
 * customizers still apply; only the parser factory is ours.
 */
@Configuration(proxyBeanMethods = false)
public class JsonLimitsConfiguration {

    @Bean
    @Scope("prototype")
    JsonMapper.Builder jsonMapperBuilder(ObjectProvider<JsonMapperBuilderCustomizer> customizers,
                                         LimitsProperties limits) {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxJsonDepth()).maxStringLength(limits.maxStringLength()).build()).build();
        JsonMapper.Builder builder = JsonMapper.builder(factory);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder;
    }
}
