/**
 * How every ragstream service reads its configuration: one typed record, bound from defaults, a properties file and
 * environment variables, with Kafka client settings passed through untouched.
 */
package io.ragstream.config;
