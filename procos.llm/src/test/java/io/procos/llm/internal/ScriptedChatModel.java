package io.procos.llm.internal;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A scripted chat model for unit tests: answers with the messages it was given, in order, and keeps every request. */
final class ScriptedChatModel implements ChatModel {

    final Deque<AiMessage> answers = new ArrayDeque<>();
    final List<ChatRequest> requests = new ArrayList<>();

    ScriptedChatModel(AiMessage... answers) {
        this.answers.addAll(List.of(answers));
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        if (answers.isEmpty()) throw new IllegalStateException("the script has no more answers");
        return ChatResponse.builder().aiMessage(answers.poll()).build();
    }
}
