package io.crm.property;

import java.time.Clock;
import java.util.List;

import io.crm.record.RecordService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

@Configuration(proxyBeanMethods = false)
public class PropertyConfiguration {

    @Bean
    PropertyService propertyService(MongoTemplate mongo, PropertyDefinitions definitions,
                                    List<RecordService<?>> services, PropertyLimits limits, Clock clock) {
        return new PropertyService(mongo.getCollection(CustomProperties.COLLECTION), definitions, services,
                limits.maxPerObject(), clock);
    }
}
