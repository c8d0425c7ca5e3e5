/**
 * The contracts every stage and every outside producer share: the record of each topic, the topic names and configs,
 * and the id and hash rules.
 */
package io.ragstream.model;
