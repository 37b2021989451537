/** LangChain4j behind ProcOS's LLM contracts; not exported. */
package io.procos.llm.internal;
