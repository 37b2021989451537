/** ProcOS LLM: implementation. Not exported. */
package io.procos.llm.internal;
