"""Every string the page shows, in Vietnamese and English.

Both languages have the same keys (tests/test_app.py checks it). Values are plain text
unless the key ends in ``_html``: those are trusted HTML written here and are inserted
without escaping. Placeholders use ``str.format`` names, for example ``{digit}``.
"""

from model.preprocess import MAX_FILE_BYTES, MAX_PIXELS, MIN_SIDE

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}

_MAX_MB = MAX_FILE_BYTES // 2**20
_MAX_MEGAPIXELS = MAX_PIXELS // 1_000_000

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        # Page header and input column.
        "page_title": "Draw a digit, watch an LSTM read it row by row",
        "page_subtitle": (
            "The network sees a 28 × 28 image as a sequence of 28 rows. "
            "After each row it updates its memory and its guess."
        ),
        "language_label": "Ngôn ngữ / Language",
        "cell_label": "Network",
        "cell_lstm": "LSTM",
        "cell_gru": "GRU",
        "cell_rnn": "Simple RNN",
        "cells_missing": "Not trained yet: {cells}. Train with: {commands}",
        "tab_draw": "Draw",
        "tab_upload": "Upload an image",
        "sketch_label": "Draw one digit (0–9) with the mouse or a finger",
        "upload_label": "Image file (PNG, JPEG, WebP, …)",
        "live_label": "Live: update while drawing",
        "predict_button": "Predict",
        "examples_label": "Examples: click one to load it",
        "examples_credit": (
            "The first {mnist} examples are MNIST test digits (Y. LeCun, C. Cortes, C. Burges; CC BY-SA 3.0). "
            "The other {pen} were drawn with a pen on a tablet (E. Alpaydin, F. Alimoglu; UCI; CC BY 4.0)."
        ),
        "model_summary": "{cell}: {units} hidden units, {accuracy} on the MNIST test set",
        "model_summary_no_card": "{cell}: no model card found",
        # 1. Prediction.
        "prediction_heading": "1. Prediction",
        "prediction_reads": "The network reads",
        "confidence": "confidence {percent}",
        "top3_label": "Top 3 digits",
        "unsure": "Not sure. Best guess: {digit} ({percent}). Try a larger, clearer digit.",
        "blank_empty": "Draw a digit on the canvas.",
        "blank_faint": "The strokes are too faint to read. Draw with a darker line.",
        "blank_dot": "That looks like a dot, not a digit. Draw the whole digit.",
        "error_title": "This file could not be used.",
        "error_not_found": "The uploaded file was not found on the server. Upload it again.",
        "error_too_large": (
            f"The image is too large (at most {_MAX_MB} MB and {_MAX_MEGAPIXELS} megapixels). "
            "Upload a smaller image."
        ),
        "error_too_small": f"The image is too small (at least {MIN_SIDE} pixels on each side).",
        "error_not_image": "This file is not a readable image. Upload a PNG, JPEG, WebP, GIF or BMP file.",
        "error_drawing_kept": "Your drawing on the canvas is unchanged.",
        # 2. What the network sees.
        "sees_heading": "2. What the network sees",
        "sees_caption": (
            "Your drawing is cropped, scaled to fit 20 × 20 pixels and centred in a 28 × 28 grid, as in MNIST. "
            "Each pixel is a number from 0 (no ink) to 1 (ink)."
        ),
        "sees_inverted": "Light ink on a dark background was detected, so the colours were inverted.",
        "axis_row": "row",
        "axis_column": "column",
        "legend_no_ink": "0 = no ink",
        "legend_ink": "1 = ink",
        # 3. Reading row by row.
        "feed_heading": "3. Reading the image row by row",
        "feed_caption": (
            "The {cell} reads a sequence, and here the sequence is the image. At timestep t it receives "
            "row t as a vector of 28 numbers, updates its hidden state h_t and can already give a "
            "probability for each digit. Move the slider or press Play."
        ),
        "step_label": "Timestep t (rows read)",
        "play": "▶ Play",
        "pause": "⏸ Pause",
        "loop_label": "Loop",
        "feed_status": "Timestep {step} of 28: the network has read rows 1–{step}.",
        "feed_status_first": "Timestep 1 of 28: the network has read row 1.",
        "feed_image_title": "Image: rows read so far, current row outlined",
        "feed_not_read": "not read yet",
        "feed_row_title": "Input x_t = row {step}: 28 pixel values",
        "feed_hidden_title": "Hidden state h_t after row {step}: {units} values",
        "feed_cell_title": "Cell state c_t after row {step}: {units} values",
        "feed_probabilities_title": "Probabilities after reading {step} rows",
        "feed_probabilities_title_first": "Probabilities after reading 1 row",
        "axis_pixel_column": "pixel column",
        "axis_value": "value",
        "axis_unit": "unit (index)",
        "axis_timestep_short": "t = row read",
        "axis_digit": "digit",
        "legend_probability": "probability",
        "row_marker": "row {step}",
        # 4. Hidden state over time.
        "states_heading": "4. How the memory changes over time",
        "states_caption": (
            "In each heatmap a row is one timestep (the image row just read) and a column is one unit, "
            "always in the same order (unit 1 to {units}), so two drawings can be compared. "
            "The outlined row is the current timestep."
        ),
        "map_hidden_title": "Hidden state h_t",
        "map_hidden_description": "the layer's output at each step, from −1 to +1",
        "map_cell_state_title": "Cell state c_t",
        "map_cell_state_description": "the LSTM's long-term memory; colours saturate beyond ±3",
        "gate_lstm_input_gate_title": "Input gate i_t",
        "gate_lstm_input_gate_description": "how much of the candidate g_t is written into c_t (0 = nothing, 1 = all)",
        "gate_lstm_forget_gate_title": "Forget gate f_t",
        "gate_lstm_forget_gate_description": "how much of c_t−1 is kept (0 = forget, 1 = keep)",
        "gate_lstm_output_gate_title": "Output gate o_t",
        "gate_lstm_output_gate_description": "how much of tanh(c_t) goes out as h_t",
        "gate_lstm_candidate_title": "Candidate g_t",
        "gate_lstm_candidate_description": "new content proposed for the cell state, from −1 to +1",
        "gate_gru_update_gate_title": "Update gate z_t",
        "gate_gru_update_gate_description": "how much of h_t−1 is kept (1 = keep, 0 = replace with the candidate)",
        "gate_gru_reset_gate_title": "Reset gate r_t",
        "gate_gru_reset_gate_description": "how much of h_t−1 is used to compute the candidate",
        "gate_gru_candidate_title": "Candidate h̃_t",
        "gate_gru_candidate_description": "new content proposed for the hidden state, from −1 to +1",
        "no_cell_state_gru": (
            "A GRU has no separate cell state: its hidden state h_t is its only memory, "
            "controlled by an update gate and a reset gate."
        ),
        "no_cell_state_rnn": (
            "A simple RNN has no gates and no cell state: at every step it overwrites its hidden state "
            "with h_t = tanh(W x_t + U h_t−1 + b)."
        ),
        "equations_heading_lstm": "How one LSTM step works",
        "equations_heading_gru": "How one GRU step works",
        "equations_heading_rnn": "How one simple RNN step works",
        "equations_note_html": (
            "σ is the logistic sigmoid (values from 0 to 1) and ⊙ multiplies element by element. "
            "W, U and b are learned weights; the state starts at 0 before row 1. "
            "A dense layer with softmax turns h<sub>t</sub> into the 10 probabilities."
        ),
        "equation_input_gate": "input gate",
        "equation_forget_gate": "forget gate",
        "equation_output_gate": "output gate",
        "equation_candidate": "candidate",
        "equation_cell_state": "new cell state: keep part of the old, add part of the new",
        "equation_hidden": "new hidden state",
        "equation_update_gate": "update gate",
        "equation_reset_gate": "reset gate",
        "equation_gru_hidden": "new hidden state: mix of the old state and the candidate",
        # 5. Belief over time.
        "belief_heading": "5. When does the network make up its mind?",
        "belief_caption": (
            "Each row shows the probability of each digit after reading the image down to that row "
            "(the dense layer and softmax applied to h_t). The rows line up with the image on the left."
        ),
        "belief_image_label": "image",
        "belief_decided": "The answer is {digit} from row {row} on. The dashed blue line marks the top of row {row}.",
        # 6. Model card.
        "card_heading": "6. About this model",
        "card_mnist_test_accuracy": "Accuracy on the MNIST test set ({count} images)",
        "card_drawn_mean_accuracy": "Accuracy on pen-drawn digits, mean over drawing styles ({count} digits)",
        "card_drawn_worst_accuracy": "Accuracy on pen-drawn digits, worst drawing style",
        "card_units": "Hidden units",
        "card_epochs": "Training epochs",
        "card_training_images": "Training images",
        "card_training_time": "Training time",
        "card_training_time_value": "{minutes} min on {machine}",
        "card_threshold": "Says “not sure” below confidence",
        "card_source": "Numbers read from {path}.",
        "card_missing": "This model has no card file ({path}).",
        # 7. Export.
        "export_heading": "7. Export for slides",
        "export_caption": "Built only when you press a button, from the current drawing and network.",
        "export_gif_button": "Reading animation (GIF, 28 frames)",
        "export_png_button": "Heatmaps (PNG)",
        "export_files_label": "Files to download",
        "export_needs_digit": "Draw a digit first: there is nothing to export yet.",
        "placeholder_draw": "Draw a digit to see this view.",
    },
    "vi": {
        "page_title": "Vẽ một chữ số, xem mạng LSTM đọc nó từng hàng một",
        "page_subtitle": (
            "Mạng nhìn ảnh 28 × 28 như một chuỗi gồm 28 hàng. "
            "Sau mỗi hàng, mạng cập nhật bộ nhớ và dự đoán của mình."
        ),
        "language_label": "Ngôn ngữ / Language",
        "cell_label": "Mạng",
        "cell_lstm": "LSTM",
        "cell_gru": "GRU",
        "cell_rnn": "RNN đơn giản",
        "cells_missing": "Chưa được huấn luyện: {cells}. Huấn luyện bằng lệnh: {commands}",
        "tab_draw": "Vẽ",
        "tab_upload": "Tải ảnh lên",
        "sketch_label": "Vẽ một chữ số (0–9) bằng chuột hoặc ngón tay",
        "upload_label": "Tệp ảnh (PNG, JPEG, WebP, …)",
        "live_label": "Trực tiếp: cập nhật khi đang vẽ",
        "predict_button": "Dự đoán",
        "examples_label": "Ví dụ: bấm vào một ảnh để thử",
        "examples_credit": (
            "{mnist} ví dụ đầu tiên là chữ số trong tập kiểm tra MNIST (Y. LeCun, C. Cortes, C. Burges; CC BY-SA 3.0). "
            "{pen} ví dụ còn lại được vẽ bằng bút trên bảng vẽ điện tử (E. Alpaydin, F. Alimoglu; UCI; CC BY 4.0)."
        ),
        "model_summary": "{cell}: {units} đơn vị ẩn, độ chính xác {accuracy} trên tập kiểm tra MNIST",
        "model_summary_no_card": "{cell}: không tìm thấy tệp thông tin mô hình",
        "prediction_heading": "1. Dự đoán",
        "prediction_reads": "Mạng đọc được",
        "confidence": "độ tin cậy {percent}",
        "top3_label": "3 chữ số có xác suất cao nhất",
        "unsure": "Mạng không chắc chắn. Dự đoán tốt nhất: {digit} ({percent}). Hãy vẽ chữ số to và rõ hơn.",
        "blank_empty": "Hãy vẽ một chữ số lên khung vẽ.",
        "blank_faint": "Nét vẽ quá mờ, mạng không đọc được. Hãy vẽ nét đậm hơn.",
        "blank_dot": "Đó giống một dấu chấm, chưa phải chữ số. Hãy vẽ cả chữ số.",
        "error_title": "Không dùng được tệp này.",
        "error_not_found": "Không tìm thấy tệp đã tải lên trên máy chủ. Hãy tải lên lại.",
        "error_too_large": (
            f"Ảnh quá lớn (tối đa {_MAX_MB} MB và {_MAX_MEGAPIXELS} megapixel). Hãy tải lên ảnh nhỏ hơn."
        ),
        "error_too_small": f"Ảnh quá nhỏ (mỗi cạnh phải có ít nhất {MIN_SIDE} điểm ảnh).",
        "error_not_image": "Tệp này không phải là ảnh đọc được. Hãy tải lên tệp PNG, JPEG, WebP, GIF hoặc BMP.",
        "error_drawing_kept": "Hình vẽ của bạn trên khung vẽ vẫn được giữ nguyên.",
        "sees_heading": "2. Mạng nhìn thấy gì",
        "sees_caption": (
            "Hình vẽ được cắt sát, thu nhỏ cho vừa 20 × 20 điểm ảnh và đặt vào giữa lưới 28 × 28, "
            "giống như bộ dữ liệu MNIST. Mỗi điểm ảnh là một số từ 0 (không có mực) đến 1 (có mực)."
        ),
        "sees_inverted": "Phát hiện nét sáng trên nền tối nên màu đã được đảo ngược.",
        "axis_row": "hàng",
        "axis_column": "cột",
        "legend_no_ink": "0 = không có mực",
        "legend_ink": "1 = có mực",
        "feed_heading": "3. Đọc ảnh từng hàng một",
        "feed_caption": (
            "Mạng {cell} đọc một chuỗi, và ở đây chuỗi chính là bức ảnh. Tại bước thời gian t, mạng nhận "
            "hàng t dưới dạng một vectơ gồm 28 số, cập nhật trạng thái ẩn h_t và đã có thể đưa ra "
            "xác suất cho từng chữ số. Hãy kéo thanh trượt hoặc bấm Phát."
        ),
        "step_label": "Bước thời gian t (số hàng đã đọc)",
        "play": "▶ Phát",
        "pause": "⏸ Tạm dừng",
        "loop_label": "Lặp lại",
        "feed_status": "Bước {step}/28: mạng đã đọc các hàng 1–{step}.",
        "feed_status_first": "Bước 1/28: mạng đã đọc hàng 1.",
        "feed_image_title": "Ảnh: các hàng đã đọc, hàng hiện tại được viền",
        "feed_not_read": "chưa đọc",
        "feed_row_title": "Đầu vào x_t = hàng {step}: 28 giá trị điểm ảnh",
        "feed_hidden_title": "Trạng thái ẩn h_t sau hàng {step}: {units} giá trị",
        "feed_cell_title": "Trạng thái ô nhớ c_t sau hàng {step}: {units} giá trị",
        "feed_probabilities_title": "Xác suất sau khi đọc {step} hàng",
        "feed_probabilities_title_first": "Xác suất sau khi đọc 1 hàng",
        "axis_pixel_column": "cột điểm ảnh",
        "axis_value": "giá trị",
        "axis_unit": "đơn vị (chỉ số)",
        "axis_timestep_short": "t = hàng đã đọc",
        "axis_digit": "chữ số",
        "legend_probability": "xác suất",
        "row_marker": "hàng {step}",
        "states_heading": "4. Bộ nhớ thay đổi theo thời gian",
        "states_caption": (
            "Trong mỗi bản đồ nhiệt, một hàng là một bước thời gian (hàng ảnh vừa đọc) và một cột là một "
            "đơn vị, luôn theo cùng thứ tự (đơn vị 1 đến {units}), nên có thể so sánh hai hình vẽ. "
            "Hàng được viền là bước thời gian hiện tại."
        ),
        "map_hidden_title": "Trạng thái ẩn h_t",
        "map_hidden_description": "đầu ra của lớp tại mỗi bước, từ −1 đến +1",
        "map_cell_state_title": "Trạng thái ô nhớ c_t",
        "map_cell_state_description": "bộ nhớ dài hạn của LSTM; màu bão hòa khi vượt quá ±3",
        "gate_lstm_input_gate_title": "Cổng vào i_t",
        "gate_lstm_input_gate_description": "lượng giá trị ứng viên g_t được ghi vào c_t (0 = không ghi, 1 = ghi toàn bộ)",
        "gate_lstm_forget_gate_title": "Cổng quên f_t",
        "gate_lstm_forget_gate_description": "lượng c_t−1 được giữ lại (0 = quên, 1 = giữ)",
        "gate_lstm_output_gate_title": "Cổng ra o_t",
        "gate_lstm_output_gate_description": "lượng tanh(c_t) được đưa ra thành h_t",
        "gate_lstm_candidate_title": "Giá trị ứng viên g_t",
        "gate_lstm_candidate_description": "nội dung mới đề xuất cho trạng thái ô nhớ, từ −1 đến +1",
        "gate_gru_update_gate_title": "Cổng cập nhật z_t",
        "gate_gru_update_gate_description": "lượng h_t−1 được giữ lại (1 = giữ, 0 = thay bằng giá trị ứng viên)",
        "gate_gru_reset_gate_title": "Cổng đặt lại r_t",
        "gate_gru_reset_gate_description": "lượng h_t−1 được dùng để tính giá trị ứng viên",
        "gate_gru_candidate_title": "Giá trị ứng viên h̃_t",
        "gate_gru_candidate_description": "nội dung mới đề xuất cho trạng thái ẩn, từ −1 đến +1",
        "no_cell_state_gru": (
            "GRU không có trạng thái ô nhớ riêng: trạng thái ẩn h_t là bộ nhớ duy nhất của nó, "
            "được điều khiển bởi cổng cập nhật và cổng đặt lại."
        ),
        "no_cell_state_rnn": (
            "RNN đơn giản không có cổng và không có trạng thái ô nhớ: ở mỗi bước, mạng ghi đè trạng thái ẩn "
            "bằng h_t = tanh(W x_t + U h_t−1 + b)."
        ),
        "equations_heading_lstm": "Một bước của LSTM hoạt động thế nào",
        "equations_heading_gru": "Một bước của GRU hoạt động thế nào",
        "equations_heading_rnn": "Một bước của RNN đơn giản hoạt động thế nào",
        "equations_note_html": (
            "σ là hàm sigmoid (giá trị từ 0 đến 1) và ⊙ là phép nhân từng phần tử. "
            "W, U và b là các trọng số đã học; trạng thái bắt đầu bằng 0 trước hàng 1. "
            "Một lớp kết nối đầy đủ cùng hàm softmax biến h<sub>t</sub> thành 10 xác suất."
        ),
        "equation_input_gate": "cổng vào",
        "equation_forget_gate": "cổng quên",
        "equation_output_gate": "cổng ra",
        "equation_candidate": "giá trị ứng viên",
        "equation_cell_state": "trạng thái ô nhớ mới: giữ một phần cái cũ, thêm một phần cái mới",
        "equation_hidden": "trạng thái ẩn mới",
        "equation_update_gate": "cổng cập nhật",
        "equation_reset_gate": "cổng đặt lại",
        "equation_gru_hidden": "trạng thái ẩn mới: pha trộn trạng thái cũ và giá trị ứng viên",
        "belief_heading": "5. Khi nào mạng đưa ra quyết định?",
        "belief_caption": (
            "Mỗi hàng cho biết xác suất của từng chữ số sau khi mạng đọc ảnh đến hàng đó "
            "(lớp kết nối đầy đủ và softmax áp dụng lên h_t). Các hàng thẳng hàng với ảnh bên trái."
        ),
        "belief_image_label": "ảnh",
        "belief_decided": "Câu trả lời là {digit} kể từ hàng {row}. Đường nét đứt màu xanh dương đánh dấu mép trên của hàng {row}.",
        "card_heading": "6. Về mô hình này",
        "card_mnist_test_accuracy": "Độ chính xác trên tập kiểm tra MNIST ({count} ảnh)",
        "card_drawn_mean_accuracy": "Độ chính xác trên chữ số vẽ bằng bút, trung bình các kiểu vẽ ({count} chữ số)",
        "card_drawn_worst_accuracy": "Độ chính xác trên chữ số vẽ bằng bút, kiểu vẽ kém nhất",
        "card_units": "Số đơn vị ẩn",
        "card_epochs": "Số epoch huấn luyện",
        "card_training_images": "Số ảnh huấn luyện",
        "card_training_time": "Thời gian huấn luyện",
        "card_training_time_value": "{minutes} phút trên {machine}",
        "card_threshold": "Báo “không chắc chắn” khi độ tin cậy dưới",
        "card_source": "Số liệu đọc từ {path}.",
        "card_missing": "Mô hình này không có tệp thông tin ({path}).",
        "export_heading": "7. Xuất hình cho bài giảng",
        "export_caption": "Chỉ được tạo khi bạn bấm nút, từ hình vẽ và mạng hiện tại.",
        "export_gif_button": "Ảnh động quá trình đọc (GIF, 28 khung hình)",
        "export_png_button": "Bản đồ nhiệt (PNG)",
        "export_files_label": "Tệp để tải xuống",
        "export_needs_digit": "Hãy vẽ một chữ số trước: chưa có gì để xuất.",
        "placeholder_draw": "Hãy vẽ một chữ số để xem phần này.",
    },
}


def normalise_language(lang: str | None) -> str:
    """Return ``lang`` if it is a supported language code, otherwise the default."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **values) -> str:
    """Look up ``key`` in ``lang`` and fill its placeholders.

    Raises KeyError for an unknown key, so that a typo fails in the tests, not on screen.
    """
    template = STRINGS[normalise_language(lang)][key]
    return template.format(**values) if values else template


def language_from_header(accept_language: str | None) -> str:
    """Pick "vi" when the browser prefers Vietnamese over English, "en" otherwise.

    ``accept_language`` is an HTTP Accept-Language value such as "vi-VN,vi;q=0.9,en;q=0.8".
    Languages other than Vietnamese and English are ignored.
    """
    if not accept_language:
        return DEFAULT_LANGUAGE
    best_language, best_weight = DEFAULT_LANGUAGE, -1.0
    for position, part in enumerate(accept_language.split(",")):
        fields = part.strip().split(";")
        code = fields[0].strip().lower().split("-")[0]
        if code not in LANGUAGES:
            continue
        weight = 1.0
        for field in fields[1:]:
            name, _, value = field.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        # q=0 means "not acceptable". Earlier entries win ties, as the header lists
        # them in order of preference.
        if weight > 0 and weight > best_weight:
            best_language, best_weight = code, weight
    return best_language


def format_percent(value: float, lang: str, decimals: int = 1) -> str:
    """Format 0..1 as a percentage; Vietnamese uses a decimal comma ("99,2 %")."""
    number = f"{value * 100:.{decimals}f}"
    if normalise_language(lang) == "vi":
        number = number.replace(".", ",")
    return f"{number} %"


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """Format a number with thousands grouping: "55,000" in English, "55.000" in Vietnamese."""
    text = f"{value:,.{decimals}f}"
    if normalise_language(lang) == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
