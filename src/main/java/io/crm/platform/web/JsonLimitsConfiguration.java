package io.crm.platform.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
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
                                         @Value("${crm.limits.max-json-depth:32}") int maxDepth,
                                         @Value("${crm.limits.max-string-length:100000}") int maxString) {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth).maxStringLength(maxString).build()).build();
        JsonMapper.Builder builder = JsonMapper.builder(factory);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder;
    }
}
