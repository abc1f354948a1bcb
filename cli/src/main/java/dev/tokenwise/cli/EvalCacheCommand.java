package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.cache.Guards;
import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.core.cache.PairNet;
import dev.tokenwise.core.cache.VerifierModel;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.cache.Embedder;
import dev.tokenwise.gateway.cache.SemanticModel;
import dev.tokenwise.gateway.cache.eval.CacheEvaluation;
import dev.tokenwise.gateway.cache.eval.EmbeddingFile;
import dev.tokenwise.gateway.cache.eval.Progress;
import dev.tokenwise.gateway.cache.eval.QuestionPair;
import dev.tokenwise.gateway.cache.eval.VerifierTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tokenwise eval cache}: the semantic-cache benchmark (held-out pairs by default), or with
 * {@code --train FILE} the reproducible training of the hit verifier on the TRAIN split.
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = {"Semantic cache: insert every text_a, query every text_b; report precision, recall and false hits.",
                "By default only held-out pairs (odd lines) are evaluated; the bundled verifier was trained on even lines."})
final class EvalCacheCommand implements Runnable {
    @Option(names = "--pairs", required = true, description = "JSONL file of {text_a, text_b, label}.")
    Path pairs;

    @Option(names = "--limit", defaultValue = "0", description = "Use at most N pairs of the split (0 = all).")
    int limit;

    @Option(names = "--threshold", description = "Verifier score threshold (default: the bundled model's).")
    Double threshold;

    @Option(names = "--split", defaultValue = "heldout", description = "heldout (odd lines), train (even lines) or all.")
    String split;

    @Option(names = "--verifier", description = "Verifier model JSON to evaluate instead of the bundled one.")
    Path verifier;

    @Option(names = "--train", description = "Train the verifier on the TRAIN split and write its JSON here.")
    Path train;

    @Option(names = "--target-precision", defaultValue = "0.98",
            description = "With --train: the default threshold is the lowest reaching this out-of-fold precision.")
    double targetPrecision;

    @Option(names = "--embeddings", split = ",", description = {"Remember embeddings in this file across runs (offline iteration only;",
            "lookup latency then excludes embedding time, so measure latency without it). One file per model of --embedding-model, comma-separated."})
    List<Path> embeddings;

    @Option(names = "--embedding-model", defaultValue = "minilm-l6-q",
            description = {"Sentence-embedding model, as cache.semantic_model (minilm-l6-q, bge-small-en-v15-q, e5-small-v2-q); its bundled verifier is the default.",
                    "Two models joined by '+' (e.g. minilm-l6-q+bge-small-en-v15-q) embed with both (vectors concatenated; needs --verifier or --train)."})
    String embeddingModel;

    @Option(names = "--filler", defaultValue = "0", description = {"Add N synthetic entries (mixtures of inserted vectors) before querying,",
            "to measure lookup latency at a larger index size. They can only add false hits."})
    int filler;

    @Option(names = "--boost-rounds", defaultValue = "0",
            description = "With --train --model linear: boosted depth-2 trees fitted on the logistic regression's residual (0 = none).")
    int boostRounds;

    @Option(names = "--model", defaultValue = "net",
            description = "With --train: net (hidden-layer net over both embeddings and lexical features) or linear (logistic regression, every guard hard).")
    String modelKind;

    @Option(names = "--hidden", defaultValue = "64", description = "With --train --model net: hidden units.")
    int hidden;

    @Option(names = "--epochs", defaultValue = "6", description = "With --train --model net: passes over the samples.")
    int epochs;

    @Option(names = "--hard-guards", defaultValue = "number,negation", split = ",",
            description = "With --train --model net: guards that refuse outright (number, negation, entity, question-type); the rest are features.")
    List<String> hardGuards;

    @Option(names = "--candidates",
            description = {"With --train: fit on the retrieved candidates with the protocol's labels (a hit on another pair's question",
                    "is a negative) instead of on each TRAIN pair alone with its human label."})
    boolean candidates;

    @Option(names = "--folds", defaultValue = "5", description = "With --train: folds for the out-of-fold default threshold (>= 2).")
    int folds;

    @Option(names = "--warmup", defaultValue = "200",
            description = "Untimed lookups (of the first queries) before timing, so JIT compilation is not in the latency figures.")
    int warmup;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public void run() {
        if (!Files.isRegularFile(pairs)) throw new UserException("pairs file not found: " + pairs);
        if (limit < 0) throw new UserException("--limit must be >= 0, was " + limit);
        if (threshold != null && (threshold <= 0 || threshold > 1)) throw new UserException("--threshold must be in (0, 1], was " + threshold);
        TerminalProgress terminal = System.console() != null ? new TerminalProgress(System.err) : null;
        if (filler < 0) throw new UserException("--filler must be >= 0, was " + filler);
        if (warmup < 0) throw new UserException("--warmup must be >= 0, was " + warmup);
        if (folds < 2) throw new UserException("--folds must be >= 2, was " + folds);
        if (hidden < 1 || epochs < 1) throw new UserException("--hidden and --epochs must be >= 1");
        if (!Guards.NAMES.containsAll(hardGuards)) throw new UserException("--hard-guards must be among " + Guards.NAMES + ", was " + hardGuards);
        List<SemanticModel> models = new java.util.ArrayList<>();
        for (String id : embeddingModel.split("\\+")) {
            models.add(SemanticModel.byId(id.strip()).orElseThrow(() ->
                    new UserException("--embedding-model must be one of " + SemanticModel.ids() + " (or two joined by '+'), was '" + embeddingModel + "'")));
        }
        for (SemanticModel m : models) {
            if (!m.inBuild()) throw new UserException("--embedding-model " + m.id() + " is not in this build (build with the Maven profile embedding-models)");
        }
        if (models.size() > 2) throw new UserException("--embedding-model joins at most two models, was '" + embeddingModel + "'");
        if (models.size() > 1 && verifier == null && train == null) throw new UserException("two embedding models need --verifier or --train");
        if (embeddings != null && embeddings.size() != models.size()) {
            throw new UserException("--embeddings needs one file per model of --embedding-model (" + models.size() + "), got " + embeddings.size());
        }
        List<EmbeddingFile> remembered = new java.util.ArrayList<>();
        List<Embedder> parts = new java.util.ArrayList<>();
        for (int k = 0; k < models.size(); k++) {
            Embedder base = Embedder.of(models.get(k));
            if (embeddings != null) {
                EmbeddingFile file = new EmbeddingFile(base, embeddings.get(k));
                remembered.add(file);
                base = file;
            }
            parts.add(base);
        }
        Embedder embedder = parts.size() == 1 ? parts.get(0) : Embedder.concat(parts.get(0), parts.get(1));
        String modelId = String.join("+", models.stream().map(SemanticModel::id).toList());
        try {
            run(embedder, models.get(0), modelId, terminal);
        } finally {
            remembered.forEach(EmbeddingFile::save);
        }
    }

    private VerifierTraining.Options trainingOptions() {
        VerifierTraining.Kind kind = switch (modelKind.toLowerCase(Locale.ROOT)) {
            case "net" -> VerifierTraining.Kind.NET;
            case "linear" -> VerifierTraining.Kind.LINEAR;
            default -> throw new UserException("--model must be net or linear, was '" + modelKind + "'");
        };
        PairNet.Settings d = PairNet.Settings.DEFAULT;
        return new VerifierTraining.Options(kind, boostRounds, Set.copyOf(hardGuards),
                new PairNet.Settings(hidden, epochs, d.learningRate(), d.weightDecay(), d.batch(), d.seed()), folds, targetPrecision, !candidates);
    }

    private void run(Embedder embedder, SemanticModel choice, String modelId, TerminalProgress terminal) {
        Progress progress = terminal == null ? Progress.NONE : terminal::show;
        if (train != null) {
            List<QuestionPair> data = QuestionPair.read(pairs, QuestionPair.Split.TRAIN, limit);
            VerifierTraining training = new VerifierTraining(embedder);
            VerifierModel model = training.train(data, trainingOptions(), pairs.getFileName().toString()
                    + (limit > 0 ? " --limit " + limit : "") + " --embedding-model " + modelId + " --model " + modelKind
                    + (boostRounds > 0 ? " --boost-rounds " + boostRounds : "") + (candidates ? " --candidates" : ""), progress);
            try {
                if (train.getParent() != null) Files.createDirectories(train.getParent());
                Files.writeString(train, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(model.toJson()) + "\n");
            } catch (IOException e) {
                throw new UserException("cannot write " + train + ": " + e.getMessage());
            }
            if (terminal != null) terminal.done();
            System.out.println("guards on own pairs: " + training.guardStats());
            System.out.println(training.outOfFold());
            System.out.println("wrote " + train + " (default_threshold " + model.defaultThreshold() + "; " + model.trainedOn() + ")");
            return;
        }
        QuestionPair.Split s = switch (split.toLowerCase(Locale.ROOT)) {
            case "heldout" -> QuestionPair.Split.HELDOUT;
            case "train" -> QuestionPair.Split.TRAIN;
            case "all" -> QuestionPair.Split.ALL;
            default -> throw new UserException("--split must be heldout, train or all, was '" + split + "'");
        };
        VerifierModel model;
        try {
            model = verifier == null ? VerifierModel.bundled(choice.verifier()) : VerifierModel.fromJson(Json.MAPPER.readTree(verifier.toFile()));
        } catch (IOException | IllegalArgumentException e) {
            throw new UserException("cannot read verifier " + verifier + ": " + e.getMessage());
        }
        double t = threshold != null ? threshold : model.defaultThreshold();
        List<QuestionPair> data = QuestionPair.read(pairs, s, limit);
        ObjectNode result = new CacheEvaluation(embedder, new HitVerifier(model), System::nanoTime).run(data, t, filler, warmup, progress);
        result.put("embeddings_remembered", embeddings != null);
        result.put("split", s.name().toLowerCase(Locale.ROOT));
        result.put("embedding_model", modelId);
        if (terminal != null) terminal.done();
        if (json) {
            System.out.println(Json.write(result));
            return;
        }
        System.out.printf(Locale.ROOT, "pairs %d (%s split), positives %d, entries %d%n", result.get("pairs").asInt(),
                result.get("split").asText(), result.get("positives").asInt(), result.get("entries").asInt());
        System.out.printf(Locale.ROOT, "at threshold %.2f: precision %.4f  recall %.4f  false_hit_rate %.4f%n", t,
                result.get("precision").asDouble(), result.get("recall").asDouble(), result.get("false_hit_rate").asDouble());
        System.out.printf(Locale.ROOT, "lookup p50 %d us, p99 %d us (embedding + search + verify); index %d bytes/entry%n",
                result.get("lookup_p50_us").asLong(), result.get("lookup_p99_us").asLong(), result.get("bytes_per_entry").asLong());
        System.out.println("threshold  precision  recall   (verifier)");
        for (JsonNode c : result.get("curve")) {
            System.out.printf(Locale.ROOT, "  %.2f     %.4f     %.4f%n", c.get("threshold").asDouble(), c.get("precision").asDouble(), c.get("recall").asDouble());
        }
        System.out.println("threshold  precision  recall   (cosine only, nearest neighbour)");
        for (JsonNode c : result.get("cosine_baseline_curve")) {
            System.out.printf(Locale.ROOT, "  %.2f     %.4f     %.4f%n", c.get("threshold").asDouble(), c.get("precision").asDouble(), c.get("recall").asDouble());
        }
    }
}
