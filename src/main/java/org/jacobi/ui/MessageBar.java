package org.jacobi.ui;

import javafx.animation.PauseTransition;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.Duration;

/** The bar above the tabs that shows the current {@link UserMessage}: errors stay, information hides after 5 s. */
final class MessageBar extends HBox {
    private final ObjectProperty<UserMessage> message;
    private final Label text = new Label();
    private final Button details = new Button("Details…");
    private final PauseTransition hideInfo = new PauseTransition(Duration.seconds(5));

    MessageBar(ObjectProperty<UserMessage> message) {
        super(8);
        this.message = message;
        setId("messageBar");
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(6, 10, 6, 10));
        text.setId("messageText");
        text.setWrapText(true);
        text.setMaxWidth(Double.MAX_VALUE);
        // without this the bar keeps one line's height and cuts a long message off with "..."
        text.setMinHeight(Region.USE_PREF_SIZE);
        HBox.setHgrow(text, Priority.ALWAYS);
        details.setId("messageDetails");
        Button close = new Button("✕");
        close.setOnAction(e -> message.set(null));
        getChildren().addAll(text, details, close);
        hideInfo.setOnFinished(e -> {
            UserMessage m = message.get();
            if (m != null && !m.error()) {
                message.set(null);
            }
        });
        message.addListener((o, a, b) -> update());
        update();
    }

    private void update() {
        UserMessage m = message.get();
        setVisible(m != null);
        setManaged(m != null);
        if (m == null) {
            return;
        }
        text.setText(m.text());
        setStyle(m.error() ? "-fx-background-color: #fdecea; -fx-border-color: #e6a19a; -fx-border-width: 0 0 1 0;"
            : "-fx-background-color: #e8f1fb; -fx-border-color: #a9c6e8; -fx-border-width: 0 0 1 0;");
        details.setVisible(m.details() != null);
        details.setManaged(m.details() != null);
        details.setOnAction(e -> showDetails(m));
        if (!m.error()) {
            hideInfo.playFromStart();
        }
    }

    private void showDetails(UserMessage m) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.setTitle("Jacobi");
        a.setHeaderText(m.text());
        a.setContentText("The technical details below help when reporting a problem.");
        TextArea area = new TextArea(m.details());
        area.setEditable(false);
        area.setWrapText(false);
        area.setPrefRowCount(18);
        a.getDialogPane().setExpandableContent(area);
        if (getScene() != null) {
            a.initOwner(getScene().getWindow());
        }
        a.show();
    }
}
